package io.flotilla.engine.model;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;

/**
 * An immutable version of a global model: a layout, its flat float parameters and a version number. Its
 * identity is the SHA-256 of the layout's canonical form followed by the parameters as little-endian
 * float32 bytes, so two states with the same hash hold the same bits. Thread-safe.
 */
public final class ModelState {
  private final ParameterLayout layout;
  private final float[] parameters;
  private final long version;
  private volatile String sha256;

  private ModelState(ParameterLayout layout, float[] parameters, long version, boolean copy) {
    this.layout = Objects.requireNonNull(layout, "layout");
    Objects.requireNonNull(parameters, "parameters");
    if (parameters.length != layout.size()) {
      throw new IllegalArgumentException(
          "parameter count " + parameters.length + " does not match layout size " + layout.size());
    }
    if (version < 0) {
      throw new IllegalArgumentException("version must be >= 0, was " + version);
    }
    this.parameters = copy ? parameters.clone() : parameters;
    this.version = version;
  }

  /** Creates a state holding a copy of {@code parameters}. */
  public static ModelState of(ParameterLayout layout, float[] parameters, long version) {
    return new ModelState(layout, parameters, version, true);
  }

  /**
   * Creates a state that takes ownership of {@code parameters}; the caller must not touch the array
   * afterwards. For the engine's hot paths, where a copy of a large model would be waste.
   */
  public static ModelState adopt(ParameterLayout layout, float[] parameters, long version) {
    return new ModelState(layout, parameters, version, false);
  }

  public ParameterLayout layout() {
    return layout;
  }

  public long version() {
    return version;
  }

  public int size() {
    return parameters.length;
  }

  public float get(int i) {
    return parameters[i];
  }

  /** A fresh copy of the parameters. */
  public float[] copyParameters() {
    return parameters.clone();
  }

  /** Copies the parameters into {@code dst}, which must have {@link #size()} elements. */
  public void copyInto(float[] dst) {
    if (dst.length != parameters.length) {
      throw new IllegalArgumentException("destination has " + dst.length + " elements, need " + parameters.length);
    }
    System.arraycopy(parameters, 0, dst, 0, parameters.length);
  }

  /**
   * Copies {@code length} parameters starting at {@code from} into {@code dst} at {@code dstFrom} (a chunk
   * of a large model, for kernels that work chunk by chunk).
   */
  public void copyRange(int from, float[] dst, int dstFrom, int length) {
    if (from < 0 || length < 0 || from > parameters.length - length) {
      throw new IndexOutOfBoundsException("parameters [" + from + ", " + ((long) from + length)
          + ") are outside the model's " + parameters.length);
    }
    System.arraycopy(parameters, from, dst, dstFrom, length);
  }

  /** A read-only view of the parameters (no copy). */
  public java.nio.FloatBuffer view() {
    return java.nio.FloatBuffer.wrap(parameters).asReadOnlyBuffer();
  }

  /** The same parameters under another version number. */
  public ModelState withVersion(long newVersion) {
    ModelState s = new ModelState(layout, parameters, newVersion, false);
    s.sha256 = sha256;
    return s;
  }

  /** Lower-case hex SHA-256 over the layout and the parameter bits (not the version number). */
  public String sha256() {
    String h = sha256;
    if (h == null) {
      h = hash(layout, parameters);
      sha256 = h;
    }
    return h;
  }

  static String hash(ParameterLayout layout, float[] parameters) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      md.update(layout.canonical().getBytes(StandardCharsets.UTF_8));
      ByteBuffer buf = ByteBuffer.allocate(64 * 1024).order(ByteOrder.LITTLE_ENDIAN);
      for (float p : parameters) {
        if (!buf.hasRemaining()) {
          buf.flip();
          md.update(buf);
          buf.clear();
        }
        buf.putFloat(p);
      }
      buf.flip();
      md.update(buf);
      return HexFormat.of().formatHex(md.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 unavailable", e);
    }
  }

  /** True when every parameter is finite. */
  public boolean isFinite() {
    for (float p : parameters) {
      if (!Float.isFinite(p)) {
        return false;
      }
    }
    return true;
  }

  @Override
  public String toString() {
    return "ModelState{v" + version + ", " + parameters.length + " params, " + sha256().substring(0, 12) + "}";
  }
}
