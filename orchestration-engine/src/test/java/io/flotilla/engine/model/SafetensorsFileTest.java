package io.flotilla.engine.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsFileTest {
  @TempDir Path dir;

  static final ParameterLayout LAYOUT = ParameterLayout.of(new TensorSpec("layer.w", 3, 2), new TensorSpec("layer.b", 2),
      new TensorSpec("scalar"));

  static float[] randomParams(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] p = new float[n];
    for (int i = 0; i < n; i++) {
      p[i] = (float) (r.nextGaussian() * 3);
    }
    return p;
  }

  /** Builds a file byte by byte: u64 little-endian header length, the header, then the data. */
  static byte[] file(String header, byte[] data) {
    byte[] h = header.getBytes(StandardCharsets.UTF_8);
    ByteBuffer b = ByteBuffer.allocate(8 + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(h.length).put(h).put(data);
    return b.array();
  }

  static byte[] f32(float... v) {
    ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
    for (float x : v) {
      b.putFloat(x);
    }
    return b.array();
  }

  Path write(String name, byte[] bytes) throws IOException {
    Path p = dir.resolve(name);
    Files.write(p, bytes);
    return p;
  }

  @Test
  void roundTripKeepsLayoutParametersAndMetadata() throws Exception {
    float[] params = randomParams(LAYOUT.size(), 7);
    params[0] = -0.0f;
    params[1] = Float.MIN_VALUE;
    Path p = dir.resolve("m.safetensors");
    SafetensorsFile.of(LAYOUT, params, Map.of("format", "pt", "round", "12")).write(p);

    SafetensorsFile back = SafetensorsFile.read(p);
    assertThat(back.layout()).isEqualTo(LAYOUT);
    assertThat(back.parameters()).containsExactly(params);
    assertThat(back.metadata()).containsExactlyInAnyOrderEntriesOf(Map.of("format", "pt", "round", "12"));
    assertThat(back.dtypes().values()).containsOnly("F32");
    assertThat(back.toModel(3).sha256()).isEqualTo(ModelState.of(LAYOUT, params, 3).sha256());
    // the reference implementation pads the header to a multiple of 8 bytes
    long headerLength = ByteBuffer.wrap(Files.readAllBytes(p), 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    assertThat(headerLength % 8).isZero();
    assertThat(Files.size(p)).isEqualTo(8 + headerLength + 4L * LAYOUT.size());
    try (var files = Files.list(dir)) {
      assertThat(files.map(f -> f.getFileName().toString())).containsExactly("m.safetensors");
    }
  }

  @Test
  void readsAFileBuiltByteByByteFollowingTheSpec() throws Exception {
    // tensors listed in the header in another order than their data; __metadata__ last; trailing spaces
    String header = "{\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[24,32]},"
        + "\"w\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,24]},"
        + "\"__metadata__\":{\"format\":\"pt\",\"note\":\"hand made\"}}   ";
    byte[] data = f32(1, 2, 3, 4, 5, 6, -1.5f, 0.25f);
    SafetensorsFile f = SafetensorsFile.read(write("hand.safetensors", file(header, data)));
    assertThat(f.layout().canonical()).isEqualTo("w[2,3];b[2]");
    assertThat(f.parameters()).containsExactly(1, 2, 3, 4, 5, 6, -1.5f, 0.25f);
    assertThat(f.metadata()).containsEntry("format", "pt").containsEntry("note", "hand made");
  }

  @Test
  void readsTheReferenceFixtureWithMixedDtypes() throws Exception {
    Path p = dir.resolve("reference.safetensors");
    try (InputStream in = getClass().getResourceAsStream("/safetensors/reference.safetensors")) {
      Files.copy(in, p);
    }
    SafetensorsFile f = SafetensorsFile.read(p);
    // data order: F64 first, then F32, then the 2-byte types by name
    assertThat(f.layout().canonical()).isEqualTo("emb[3];fc.weight[2,3];fc.bias[2];scale[4]");
    assertThat(f.dtypes()).containsEntry("emb", "F64").containsEntry("fc.bias", "F16").containsEntry("scale", "BF16");
    float[] p0 = f.parameters();
    assertThat(Arrays.copyOfRange(p0, 0, 3)).containsExactly(0.1f, -3.0f, 1e-3f);
    assertThat(Arrays.copyOfRange(p0, 3, 9)).containsExactly(-0.5f, -0.25f, 0f, 0.25f, 0.5f, 0.75f);
    assertThat(Arrays.copyOfRange(p0, 9, 11)).containsExactly(1.5f, -2.25f);
    assertThat(Arrays.copyOfRange(p0, 11, 15)).containsExactly(1.0f, -0.5f, 3.140625f, 0f);
    assertThat(f.metadata()).containsEntry("format", "pt");
  }

  @Test
  void halfPrecisionConversionIsExact() {
    assertThat(SafetensorsFile.halfToFloat(0x3c00)).isEqualTo(1.0f);
    assertThat(SafetensorsFile.halfToFloat(0xc000)).isEqualTo(-2.0f);
    assertThat(SafetensorsFile.halfToFloat(0x0001)).isEqualTo(0x1p-24f);
    assertThat(SafetensorsFile.halfToFloat(0x7bff)).isEqualTo(65504f);
    assertThat(SafetensorsFile.halfToFloat(0x7c00)).isEqualTo(Float.POSITIVE_INFINITY);
    assertThat(SafetensorsFile.halfToFloat(0x7e00)).isNaN();
    assertThat(Float.floatToIntBits(SafetensorsFile.halfToFloat(0x8000))).isEqualTo(Float.floatToIntBits(-0.0f));
  }

  @Test
  void reordersTensorsByNameIntoATargetLayoutAndNamesMismatches() throws Exception {
    String header = "{\"layer.b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
        + "\"scalar\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[8,12]},"
        + "\"layer.w\":{\"dtype\":\"F32\",\"shape\":[3,2],\"data_offsets\":[12,36]}}";
    SafetensorsFile f = SafetensorsFile.read(write("r.safetensors", file(header, f32(7, 8, 9, 1, 2, 3, 4, 5, 6))));
    assertThat(f.parametersIn(LAYOUT, "r")).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9);

    ParameterLayout other = ParameterLayout.of(new TensorSpec("layer.w", 2, 3), new TensorSpec("layer.b", 2),
        new TensorSpec("bias2", 1));
    assertThatThrownBy(() -> f.parametersIn(other, "r.safetensors"))
        .isInstanceOf(SafetensorsException.class)
        .hasMessageContaining("r.safetensors")
        .hasMessageContaining("tensor 'layer.w' has shape [3, 2], expected [2, 3]")
        .hasMessageContaining("tensor 'bias2' is missing")
        .hasMessageContaining("tensor 'scalar' is not part of the model");
  }

  // ------------------------------------------------------------------ corrupt inputs

  void refused(String name, byte[] bytes, String... fragments) throws IOException {
    Path p = write(name, bytes);
    var a = assertThatThrownBy(() -> SafetensorsFile.read(p)).isInstanceOf(SafetensorsException.class)
        .hasMessageContaining(p.toString());
    for (String f : fragments) {
      a.hasMessageContaining(f);
    }
  }

  @Test
  void refusesATruncatedFile() throws Exception {
    Path good = dir.resolve("good.safetensors");
    SafetensorsFile.of(LAYOUT, randomParams(LAYOUT.size(), 1), Map.of()).write(good);
    byte[] all = Files.readAllBytes(good);
    refused("cut-data.safetensors", Arrays.copyOf(all, all.length - 3), "run past the end", "truncated");
    refused("cut-header.safetensors", Arrays.copyOf(all, 20), "truncated: header length says");
    refused("tiny.safetensors", new byte[] {1, 2, 3}, "truncated", "not even the 8-byte header length");
    refused("empty.safetensors", new byte[0], "truncated");
  }

  @Test
  void refusesAHeaderThatLiesAboutOffsets() throws Exception {
    byte[] data = f32(1, 2, 3, 4);
    refused("overlap.safetensors", file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
        + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", Arrays.copyOf(data, 12)),
        "tensor 'b'", "overlap");
    refused("hole.safetensors", file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
        + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[12,16]}}", data), "tensor 'b'", "hole");
    refused("past-end.safetensors", file("{\"a\":{\"dtype\":\"F32\",\"shape\":[8],\"data_offsets\":[0,32]}}", data),
        "tensor 'a'", "run past the end");
    refused("uncovered.safetensors", file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", data),
        "8 bytes after the last tensor");
    refused("backwards.safetensors", file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,0]}}", data),
        "tensor 'a'", "end before they begin");
    refused("negative.safetensors", file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[-8,0]}}", data),
        "tensor 'a'", "non-negative");
    byte[] insane = file("{}", new byte[0]);
    ByteBuffer.wrap(insane).order(ByteOrder.LITTLE_ENDIAN).putLong(0, 1L << 40);
    refused("insane.safetensors", insane, "header length", "not sane");
    refused("negative-len.safetensors", ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(-5).array(),
        "not sane");
  }

  @Test
  void refusesDtypeAndShapeMismatches() throws Exception {
    byte[] data = f32(1, 2, 3, 4);
    refused("size.safetensors", file("{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,16]}}", data),
        "tensor 'a'", "cover 16 bytes but F32 x [3] needs 12");
    refused("dtype-size.safetensors", file("{\"a\":{\"dtype\":\"F64\",\"shape\":[4],\"data_offsets\":[0,16]}}", data),
        "tensor 'a'", "F64 x [4] needs 32");
    refused("i64.safetensors", file("{\"a\":{\"dtype\":\"I64\",\"shape\":[2],\"data_offsets\":[0,16]}}", data),
        "tensor 'a'", "dtype I64 is not supported");
    refused("zero.safetensors", file("{\"a\":{\"dtype\":\"F32\",\"shape\":[0,3],\"data_offsets\":[0,0]},"
        + "\"b\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", data), "tensor 'a'", "no elements");
    refused("badshape.safetensors", file("{\"a\":{\"dtype\":\"F32\",\"shape\":[\"4\"],\"data_offsets\":[0,16]}}", data),
        "tensor 'a'", "shape dimension 0");
  }

  @Test
  void refusesMalformedHeaders() throws Exception {
    byte[] data = f32(1, 2);
    refused("dup.safetensors", file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
        + "\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", data), "Duplicate field 'a'");
    refused("notjson.safetensors", file("{\"a\": [", data), "not valid JSON");
    refused("array.safetensors", file("[1,2]", data), "must be a JSON object");
    refused("meta.safetensors", file("{\"__metadata__\":{\"k\":5},\"a\":{\"dtype\":\"F32\",\"shape\":[2],"
        + "\"data_offsets\":[0,8]}}", data), "__metadata__ value of 'k' must be a string");
    refused("extra.safetensors", file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8],\"x\":1}}", data),
        "tensor 'a'", "unknown field 'x'");
    refused("none.safetensors", file("{\"__metadata__\":{}}", new byte[0]), "holds no tensors");
    refused("missing.safetensors", file("{\"a\":{\"shape\":[2],\"data_offsets\":[0,8]}}", data), "tensor 'a'", "dtype");
  }

  @Test
  void aMissingFileIsASafetensorsError() {
    Path p = dir.resolve("nope.safetensors");
    assertThatThrownBy(() -> SafetensorsFile.read(p)).isInstanceOf(SafetensorsException.class)
        .hasMessageContaining("nope.safetensors").hasMessageContaining("no such file");
  }

  @Test
  void diffReportsPerTensorNorms() {
    ModelState a = ModelState.of(LAYOUT, new float[] {1, 1, 1, 1, 1, 1, 3, 4, 2}, 1);
    ModelState b = ModelState.of(LAYOUT, new float[] {1, 1, 1, 1, 1, 1, 0, 0, 2}, 2);
    ModelDiff d = ModelDiff.between(a, b);
    assertThat(d.tensors()).extracting(ModelDiff.TensorDiff::name).containsExactly("layer.w", "layer.b", "scalar");
    assertThat(d.tensors().get(0).l2()).isZero();
    assertThat(d.tensors().get(1).l2()).isEqualTo(5.0);
    assertThat(d.tensors().get(1).relative()).isEqualTo(1.0);
    assertThat(d.tensors().get(1).maxAbs()).isEqualTo(4.0);
    assertThat(d.totalL2()).isEqualTo(5.0);
  }
}
