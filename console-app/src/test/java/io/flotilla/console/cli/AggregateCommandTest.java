package io.flotilla.console.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.flotilla.engine.model.ParameterLayout;
import io.flotilla.engine.model.SafetensorsFile;
import io.flotilla.engine.model.TensorSpec;
import java.io.PrintWriter;
import java.io.StringWriter;
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
import picocli.CommandLine;

class AggregateCommandTest {
  static final ParameterLayout LAYOUT = ParameterLayout.of(new TensorSpec("fc.weight", 3, 4), new TensorSpec("fc.bias", 3));

  @TempDir Path dir;

  record Result(int code, String out, String err) {}

  static Result run(String... args) {
    CommandLine cl = FlotillaCommand.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    return new Result(cl.execute(args), out.toString(), err.toString());
  }

  float[] random(long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] p = new float[LAYOUT.size()];
    for (int i = 0; i < p.length; i++) {
      p[i] = (float) r.nextGaussian();
    }
    return p;
  }

  Path model(String name, float[] p) throws Exception {
    Path f = dir.resolve(name);
    SafetensorsFile.of(LAYOUT, p, Map.of("format", "pt")).write(f);
    return f;
  }

  /** Within {@code ulps} units in the last place of the float32 result. */
  static void assertClose(float[] actual, double[] expected, int ulps) {
    assertThat(actual).hasSize(expected.length);
    for (int i = 0; i < expected.length; i++) {
      float e = (float) expected[i];
      assertThat(Math.abs(actual[i] - e)).as("element %d: %s vs %s", i, actual[i], e)
          .isLessThanOrEqualTo(ulps * Math.ulp(e));
    }
  }

  @Test
  void fedavgOfFullWeightsIsTheirWeightedMean() throws Exception {
    float[] a = random(1);
    float[] b = random(2);
    float[] c = random(3);
    Path out = dir.resolve("out.safetensors");
    Result r = run("aggregate", "--strategy", "fedavg", "--weights", "10,30,60", "--out", out.toString(),
        model("a.safetensors", a).toString(), model("b.safetensors", b).toString(), model("c.safetensors", c).toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains("aggregated 3 input(s) with fedavg");
    SafetensorsFile f = SafetensorsFile.read(out);
    double[] expected = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      expected[i] = (10.0 * a[i] + 30.0 * b[i] + 60.0 * c[i]) / 100.0;
    }
    // FedAvg sums in float32 with Kahan compensation: the weighted mean up to float rounding
    assertClose(f.parameters(), expected, 2);
    assertThat(f.layout()).isEqualTo(LAYOUT);
    assertThat(f.metadata()).containsEntry("format", "pt").containsEntry("flotilla.strategy", "fedavg");
    assertThat(f.metadata().get("flotilla.inputs")).contains("a.safetensors").contains("\"weight\":\"60\"");

    // decimal weights in the same ratio give the same mean
    Path out2 = dir.resolve("out2.safetensors");
    assertThat(run("aggregate", "--strategy", "fedavg", "--weights", "0.1,0.3,0.6", "--out", out2.toString(),
        dir.resolve("a.safetensors").toString(), dir.resolve("b.safetensors").toString(),
        dir.resolve("c.safetensors").toString()).code()).isZero();
    assertClose(SafetensorsFile.read(out2).parameters(), expected, 2);

    // equal inputs: the mean is exactly that input
    Path same = dir.resolve("same.safetensors");
    assertThat(run("aggregate", "--strategy", "fedavg", "--out", same.toString(),
        dir.resolve("a.safetensors").toString(), dir.resolve("a.safetensors").toString()).code()).isZero();
    assertThat(SafetensorsFile.read(same).parameters()).containsExactly(a);
  }

  @Test
  void tensorsAreMatchedByNameAndOtherStrategiesApply() throws Exception {
    float[] a = random(4);
    Path pa = model("a.safetensors", a);
    // the same weights written with the tensors in the other order
    ParameterLayout swapped = ParameterLayout.of(new TensorSpec("fc.bias", 3), new TensorSpec("fc.weight", 3, 4));
    float[] sw = new float[a.length];
    System.arraycopy(a, 12, sw, 0, 3);
    System.arraycopy(a, 0, sw, 3, 12);
    Path pb = dir.resolve("b.safetensors");
    SafetensorsFile.of(swapped, sw, Map.of()).write(pb);
    Path pc = model("c.safetensors", random(5));
    Path out = dir.resolve("median.safetensors");
    Result r = run("aggregate", "--strategy", "median", "--out", out.toString(), pa.toString(), pb.toString(),
        pc.toString());
    assertThat(r.code()).as(r.err()).isZero();
    // two of three inputs are identical, so the coordinate-wise median is that input
    assertThat(SafetensorsFile.read(out).parameters()).containsExactly(a);
  }

  @Test
  void withABaseTheDeltasStepFromIt() throws Exception {
    float[] base = random(6);
    float[] a = random(7);
    Path out = dir.resolve("o.safetensors");
    Result r = run("aggregate", "--strategy", "fedavg", "--base", model("base.safetensors", base).toString(),
        "--out", out.toString(), model("a.safetensors", a).toString());
    assertThat(r.code()).as(r.err()).isZero();
    float[] got = SafetensorsFile.read(out).parameters();
    for (int i = 0; i < a.length; i++) {
      assertThat(got[i]).isEqualTo((float) (base[i] + (double) (a[i] - base[i])));
    }
  }

  void refused(String expectFragment, String... args) {
    Path out = dir.resolve("never.safetensors");
    String[] full = new String[args.length + 4];
    full[0] = "aggregate";
    full[1] = "--out";
    full[2] = out.toString();
    full[3] = "--strategy";
    System.arraycopy(args, 0, full, 4, args.length);
    Result r = run(full);
    assertThat(r.code()).as(r.out() + r.err()).isEqualTo(2);
    assertThat(r.err()).contains(expectFragment).contains("was not written");
    assertThat(out).doesNotExist();
  }

  @Test
  void corruptOrMismatchedInputsExitWithStatusTwoAndWriteNothing() throws Exception {
    Path good = model("good.safetensors", random(8));
    byte[] bytes = Files.readAllBytes(good);
    Path truncated = dir.resolve("truncated.safetensors");
    Files.write(truncated, Arrays.copyOf(bytes, bytes.length - 7));
    refused("truncated.safetensors", "fedavg", good.toString(), truncated.toString());

    Path lying = dir.resolve("lying.safetensors");
    String header = "{\"fc.weight\":{\"dtype\":\"F32\",\"shape\":[3,4],\"data_offsets\":[0,48]},"
        + "\"fc.bias\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[40,52]}}";
    Files.write(lying, file(header, new byte[52]));
    refused("tensor 'fc.bias'", "fedavg", good.toString(), lying.toString());

    Path wrongShape = dir.resolve("shape.safetensors");
    SafetensorsFile.of(ParameterLayout.of(new TensorSpec("fc.weight", 4, 3), new TensorSpec("fc.bias", 3)),
        new float[15], Map.of()).write(wrongShape);
    refused("tensor 'fc.weight' has shape [4, 3], expected [3, 4]", "fedavg", good.toString(), wrongShape.toString());

    Path wrongDtype = dir.resolve("dtype.safetensors");
    Files.write(wrongDtype, file("{\"fc.weight\":{\"dtype\":\"I32\",\"shape\":[3,4],\"data_offsets\":[0,48]},"
        + "\"fc.bias\":{\"dtype\":\"I32\",\"shape\":[3],\"data_offsets\":[48,60]}}", new byte[60]));
    refused("dtype I32 is not supported", "fedavg", good.toString(), wrongDtype.toString());

    float[] nan = random(9);
    nan[5] = Float.NaN;
    refused("NaN", "fedavg", good.toString(), model("nan.safetensors", nan).toString());
    refused("no such file", "fedavg", good.toString(), dir.resolve("missing.safetensors").toString());
    refused("--weights has 1 value(s) for 2 input(s)", "fedavg", "--weights", "3", good.toString(), good.toString());
    refused("must be positive", "fedavg", "--weights", "3,-1", good.toString(), good.toString());
    refused("unknown strategy 'nope'", "nope", good.toString());
    refused("--deltas needs --base", "fedavg", "--deltas", good.toString());
  }

  static byte[] file(String header, byte[] data) {
    byte[] h = header.getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(8 + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN).putLong(h.length).put(h)
        .put(data).array();
  }
}
