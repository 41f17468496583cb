package io.flotilla.engine.model;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A model in the <a href="https://github.com/huggingface/safetensors">safetensors</a> format, the one PyTorch
 * users load with {@code safetensors.torch.load_file}: an 8-byte little-endian header length N, N bytes of
 * JSON header ({@code {"name": {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]}, ...,
 * "__metadata__": {"k": "v"}}}), then the tensors' little-endian bytes, offsets relative to the end of the
 * header.
 *
 * <p>Reading is strict: the header length must be sane and inside the file, names unique, offsets
 * contiguous from 0, non-overlapping and covering the whole data region exactly, each tensor's byte size
 * equal to dtype size × element count. F32, F16, BF16 and F64 are read (converted to float32); the rest are
 * refused. The tensors' order in the file's data region becomes the layout order. Writing always uses F32,
 * pads the header with spaces to a multiple of 8 bytes (as the reference implementation does), and goes
 * through a temporary file that is fsynced and atomically moved into place.
 *
 * <p>Immutable once built (the parameter array is owned and never exposed without a copy); thread-safe.
 */
public final class SafetensorsFile {
  /** Refuse headers larger than this (the reference implementation's limit). */
  public static final long MAX_HEADER_BYTES = 100L * 1024 * 1024;

  private static final String METADATA = "__metadata__";
  private static final ObjectMapper JSON = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
  private static final int CHUNK = 1 << 20;

  private final ParameterLayout layout;
  private final float[] parameters;
  private final Map<String, String> metadata;
  private final Map<String, String> dtypes;

  private SafetensorsFile(ParameterLayout layout, float[] parameters, Map<String, String> metadata,
      Map<String, String> dtypes) {
    this.layout = layout;
    this.parameters = parameters;
    this.metadata = Map.copyOf(metadata);
    this.dtypes = Map.copyOf(dtypes);
  }

  /** Wraps a copy of {@code parameters} laid out by {@code layout}, with string metadata. */
  public static SafetensorsFile of(ParameterLayout layout, float[] parameters, Map<String, String> metadata) {
    Objects.requireNonNull(layout, "layout");
    if (parameters.length != layout.size()) {
      throw new IllegalArgumentException(
          "parameter count " + parameters.length + " does not match layout size " + layout.size());
    }
    Map<String, String> dt = new TreeMap<>();
    for (TensorSpec t : layout.tensors()) {
      dt.put(t.name(), "F32");
    }
    return new SafetensorsFile(layout, parameters.clone(), metadata == null ? Map.of() : metadata, dt);
  }

  /** The model's parameters with string metadata. */
  public static SafetensorsFile of(ModelState model, Map<String, String> metadata) {
    return of(model.layout(), model.copyParameters(), metadata);
  }

  public ParameterLayout layout() {
    return layout;
  }

  /** A copy of the parameters (float32, in layout order). */
  public float[] parameters() {
    return parameters.clone();
  }

  /** The {@code __metadata__} map (empty when the file had none). */
  public Map<String, String> metadata() {
    return metadata;
  }

  /** Each tensor's dtype as stored in the file it was read from ({@code F32} for files built in memory). */
  public Map<String, String> dtypes() {
    return dtypes;
  }

  /** These parameters as a model state with the given version number. */
  public ModelState toModel(long version) {
    return ModelState.of(layout, parameters, version);
  }

  /**
   * These parameters rearranged into {@code target}'s order, matched by tensor name.
   *
   * @throws SafetensorsException naming the missing, extra or differently shaped tensor
   */
  public float[] parametersIn(ParameterLayout target, String source) throws SafetensorsException {
    List<String> problems = new ArrayList<>();
    for (TensorSpec t : target.tensors()) {
      if (!layout.contains(t.name())) {
        problems.add("tensor '" + t.name() + "' is missing");
      } else if (!layout.tensor(t.name()).equals(t)) {
        problems.add("tensor '" + t.name() + "' has shape " + java.util.Arrays.toString(layout.tensor(t.name()).shape())
            + ", expected " + java.util.Arrays.toString(t.shape()));
      }
    }
    for (TensorSpec t : layout.tensors()) {
      if (!target.contains(t.name())) {
        problems.add("tensor '" + t.name() + "' is not part of the model");
      }
    }
    if (!problems.isEmpty()) {
      throw new SafetensorsException(source + ": layout does not match (" + String.join("; ", problems) + ")");
    }
    float[] out = new float[target.size()];
    for (TensorSpec t : target.tensors()) {
      System.arraycopy(parameters, layout.offset(t.name()), out, target.offset(t.name()), t.size());
    }
    return out;
  }

  // ------------------------------------------------------------------ reading

  /**
   * Reads and validates {@code file}.
   *
   * @throws SafetensorsException naming the file and the offending tensor or field; also for a missing
   *     or unreadable file
   */
  public static SafetensorsFile read(Path file) throws SafetensorsException {
    String src = file.toString();
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      return read(ch, src);
    } catch (SafetensorsException e) {
      throw e;
    } catch (NoSuchFileException e) {
      throw new SafetensorsException(src + ": no such file");
    } catch (IOException e) {
      throw new SafetensorsException(src + ": cannot read: " + e.getMessage(), e);
    }
  }

  private record Entry(String name, String dtype, int[] shape, long begin, long end) {}

  private static SafetensorsFile read(FileChannel ch, String src) throws IOException {
    long fileSize = ch.size();
    if (fileSize < 8) {
      throw new SafetensorsException(src + ": truncated: " + fileSize + " bytes, not even the 8-byte header length");
    }
    ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
    readFully(ch, lenBuf, 0, src);
    long n = lenBuf.flip().getLong();
    if (n < 2 || n > MAX_HEADER_BYTES) {
      throw new SafetensorsException(src + ": header length " + Long.toUnsignedString(n)
          + " is not sane (must be between 2 and " + MAX_HEADER_BYTES + " bytes)");
    }
    if (8 + n > fileSize) {
      throw new SafetensorsException(src + ": truncated: header length says " + n + " bytes but the file has only "
          + (fileSize - 8) + " after the length");
    }
    ByteBuffer hb = ByteBuffer.allocate((int) n);
    readFully(ch, hb, 8, src);
    byte[] headerBytes = hb.array();
    JsonNode root;
    try {
      root = JSON.readTree(new String(headerBytes, StandardCharsets.UTF_8));
    } catch (JsonProcessingException e) {
      throw new SafetensorsException(src + ": header is not valid JSON: " + e.getOriginalMessage());
    }
    if (root == null || !root.isObject()) {
      throw new SafetensorsException(src + ": header must be a JSON object");
    }
    Map<String, String> metadata = new LinkedHashMap<>();
    List<Entry> entries = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> f = it.next();
      if (f.getKey().equals(METADATA)) {
        readMetadata(f.getValue(), metadata, src);
      } else {
        entries.add(entry(f.getKey(), f.getValue(), src));
      }
    }
    if (entries.isEmpty()) {
      throw new SafetensorsException(src + ": holds no tensors");
    }
    long dataSize = fileSize - 8 - n;
    entries.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
    long expect = 0;
    for (Entry e : entries) {
      if (e.begin() != expect) {
        throw new SafetensorsException(src + ": tensor '" + e.name() + "': data_offsets [" + e.begin() + ", " + e.end()
            + "] " + (e.begin() < expect ? "overlap the previous tensor" : "leave a hole after byte " + expect)
            + " (offsets must be contiguous from 0)");
      }
      if (e.end() > dataSize) {
        throw new SafetensorsException(src + ": tensor '" + e.name() + "': data_offsets [" + e.begin() + ", " + e.end()
            + "] run past the end of the data (" + dataSize + " bytes): file truncated or header lies");
      }
      expect = e.end();
    }
    if (expect != dataSize) {
      throw new SafetensorsException(src + ": " + (dataSize - expect) + " bytes after the last tensor are not "
          + "covered by any tensor's data_offsets");
    }
    List<TensorSpec> specs = new ArrayList<>();
    Map<String, String> dtypes = new TreeMap<>();
    for (Entry e : entries) {
      specs.add(new TensorSpec(e.name(), e.shape()));
      dtypes.put(e.name(), e.dtype());
    }
    ParameterLayout layout;
    try {
      layout = new ParameterLayout(specs);
    } catch (IllegalArgumentException ex) {
      throw new SafetensorsException(src + ": " + ex.getMessage());
    }
    float[] params = new float[layout.size()];
    int pos = 0;
    for (Entry e : entries) {
      pos = readTensor(ch, 8 + n + e.begin(), e, params, pos, src);
    }
    return new SafetensorsFile(layout, params, metadata, dtypes);
  }

  private static void readMetadata(JsonNode node, Map<String, String> out, String src) throws SafetensorsException {
    if (!node.isObject()) {
      throw new SafetensorsException(src + ": __metadata__ must be an object of strings");
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> m = it.next();
      if (!m.getValue().isTextual()) {
        throw new SafetensorsException(src + ": __metadata__ value of '" + m.getKey() + "' must be a string, was "
            + m.getValue().getNodeType().name().toLowerCase());
      }
      out.put(m.getKey(), m.getValue().asText());
    }
  }

  private static Entry entry(String name, JsonNode node, String src) throws SafetensorsException {
    String where = src + ": tensor '" + name + "'";
    if (name.isBlank()) {
      throw new SafetensorsException(src + ": a tensor has a blank name");
    }
    if (!node.isObject()) {
      throw new SafetensorsException(where + ": entry must be an object with dtype, shape and data_offsets");
    }
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (!k.equals("dtype") && !k.equals("shape") && !k.equals("data_offsets")) {
        throw new SafetensorsException(where + ": unknown field '" + k + "'");
      }
    }
    JsonNode dt = node.get("dtype");
    if (dt == null || !dt.isTextual()) {
      throw new SafetensorsException(where + ": missing or non-string dtype");
    }
    String dtype = dt.asText();
    int width = dtypeWidth(dtype);
    if (width < 0) {
      throw new SafetensorsException(where + ": dtype " + dtype + " is not supported (F32, F16, BF16 and F64 are)");
    }
    JsonNode sh = node.get("shape");
    if (sh == null || !sh.isArray()) {
      throw new SafetensorsException(where + ": missing or non-array shape");
    }
    int[] shape = new int[sh.size()];
    long elements = 1;
    for (int i = 0; i < shape.length; i++) {
      JsonNode d = sh.get(i);
      if (!d.isIntegralNumber() || !d.canConvertToLong() || d.asLong() < 0 || d.asLong() > Integer.MAX_VALUE) {
        throw new SafetensorsException(where + ": shape dimension " + i + " is not a non-negative integer: " + d);
      }
      shape[i] = (int) d.asLong();
      elements *= shape[i];
      if (elements > Integer.MAX_VALUE) {
        throw new SafetensorsException(where + ": shape " + sh + " has too many elements");
      }
    }
    if (elements == 0) {
      throw new SafetensorsException(where + ": shape " + sh + " has no elements (every model tensor needs at least one)");
    }
    JsonNode off = node.get("data_offsets");
    if (off == null || !off.isArray() || off.size() != 2) {
      throw new SafetensorsException(where + ": data_offsets must be an array [begin, end]");
    }
    for (JsonNode o : off) {
      if (!o.isIntegralNumber() || !o.canConvertToLong() || o.asLong() < 0) {
        throw new SafetensorsException(where + ": data_offsets " + off + " must be non-negative integers");
      }
    }
    long begin = off.get(0).asLong();
    long end = off.get(1).asLong();
    if (end < begin) {
      throw new SafetensorsException(where + ": data_offsets [" + begin + ", " + end + "] end before they begin");
    }
    long need = elements * width;
    if (end - begin != need) {
      throw new SafetensorsException(where + ": data_offsets [" + begin + ", " + end + "] cover " + (end - begin)
          + " bytes but " + dtype + " x " + sh + " needs " + need);
    }
    return new Entry(name, dtype, shape, begin, end);
  }

  private static int dtypeWidth(String dtype) {
    return switch (dtype) {
      case "F32" -> 4;
      case "F16", "BF16" -> 2;
      case "F64" -> 8;
      default -> -1;
    };
  }

  private static int readTensor(FileChannel ch, long position, Entry e, float[] out, int pos, String src)
      throws IOException {
    int width = dtypeWidth(e.dtype());
    long remaining = e.end() - e.begin();
    long at = position;
    ByteBuffer buf = ByteBuffer.allocate((int) Math.min(CHUNK, remaining)).order(ByteOrder.LITTLE_ENDIAN);
    while (remaining > 0) {
      buf.clear();
      buf.limit((int) Math.min(buf.capacity(), remaining));
      readFully(ch, buf, at, src);
      buf.flip();
      at += buf.remaining();
      remaining -= buf.remaining();
      while (buf.remaining() >= width) {
        out[pos++] = switch (e.dtype()) {
          case "F32" -> buf.getFloat();
          case "F64" -> (float) buf.getDouble();
          case "BF16" -> Float.intBitsToFloat((buf.getShort() & 0xffff) << 16);
          default -> halfToFloat(buf.getShort() & 0xffff);
        };
      }
    }
    return pos;
  }

  /** IEEE 754 binary16 to float32 (exact; Java 17 has no Float.float16ToFloat). */
  static float halfToFloat(int h) {
    int sign = (h >>> 15) & 1;
    int exp = (h >>> 10) & 0x1f;
    int mant = h & 0x3ff;
    float v;
    if (exp == 0) {
      v = mant * 0x1p-24f; // zero or subnormal
    } else if (exp == 31) {
      v = mant == 0 ? Float.POSITIVE_INFINITY : Float.NaN;
    } else {
      v = Float.intBitsToFloat(((exp - 15 + 127) << 23) | (mant << 13));
    }
    return sign == 1 ? -v : v;
  }

  private static void readFully(FileChannel ch, ByteBuffer buf, long position, String src) throws IOException {
    long p = position;
    while (buf.hasRemaining()) {
      int r = ch.read(buf, p);
      if (r < 0) {
        throw new SafetensorsException(src + ": truncated at byte " + p);
      }
      p += r;
    }
  }

  // ------------------------------------------------------------------ writing

  /** The header JSON (unpadded): {@code __metadata__} first, then the tensors in layout order, as F32. */
  String headerJson() {
    ObjectNode root = JSON.createObjectNode();
    if (!metadata.isEmpty()) {
      ObjectNode m = root.putObject(METADATA);
      new TreeMap<>(metadata).forEach(m::put);
    }
    long off = 0;
    for (TensorSpec t : layout.tensors()) {
      ObjectNode e = root.putObject(t.name());
      e.put("dtype", "F32");
      var shape = e.putArray("shape");
      for (int d : t.shape()) {
        shape.add(d);
      }
      long end = off + 4L * t.size();
      e.putArray("data_offsets").add(off).add(end);
      off = end;
    }
    try {
      return JSON.writeValueAsString(root);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialize a safetensors header", e);
    }
  }

  /** Size in bytes of the encoded file. */
  public long encodedSize() {
    return 8 + paddedHeader().length + 4L * parameters.length;
  }

  private byte[] paddedHeader() {
    byte[] h = headerJson().getBytes(StandardCharsets.UTF_8);
    int padded = (h.length + 7) / 8 * 8;
    byte[] out = new byte[padded];
    System.arraycopy(h, 0, out, 0, h.length);
    java.util.Arrays.fill(out, h.length, padded, (byte) ' ');
    return out;
  }

  /** Writes the encoded bytes to an open channel at its current position (no fsync). */
  public void writeTo(FileChannel ch) throws IOException {
    byte[] header = paddedHeader();
    ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length).flip();
    writeFully(ch, len);
    writeFully(ch, ByteBuffer.wrap(header));
    ByteBuffer buf = ByteBuffer.allocate((int) Math.min(CHUNK, Math.max(4, 4L * parameters.length)))
        .order(ByteOrder.LITTLE_ENDIAN);
    for (float p : parameters) {
      if (buf.remaining() < 4) {
        buf.flip();
        writeFully(ch, buf);
        buf.clear();
      }
      buf.putFloat(p);
    }
    buf.flip();
    writeFully(ch, buf);
  }

  private static void writeFully(FileChannel ch, ByteBuffer b) throws IOException {
    while (b.hasRemaining()) {
      ch.write(b);
    }
  }

  /**
   * Writes this file to {@code target} durably: a temporary file beside it is written, fsynced and
   * atomically moved into place, then the folder is fsynced. A crash leaves either the old file or the
   * new one, never a torn one.
   */
  public void write(Path target) throws IOException {
    Path dir = target.toAbsolutePath().getParent();
    Path tmp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp");
    try {
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
        writeTo(ch);
        ch.force(true);
      }
      try {
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
      fsyncDirectory(dir);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** Best-effort fsync of a folder so a rename in it survives a power loss (a no-op where unsupported). */
  public static void fsyncDirectory(Path dir) {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      // some platforms cannot open or sync a directory; the rename itself is still atomic there
    }
  }
}
