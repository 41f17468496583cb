package io.flotilla.engine.transport;

import io.flotilla.engine.transport.proto.Encoding;
import io.flotilla.engine.transport.proto.ErrorCode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * Encodes flat float parameter vectors for the wire and decodes them with strict size checks.
 *
 * <ul>
 *   <li>{@code RAW_F32}: float32 little-endian, 4 bytes a value, lossless (models and updates).
 *   <li>{@code GZIP_F32}: gzip over RAW_F32, lossless; decoding stops at the expected size, so a
 *       decompression bomb cannot inflate past it.
 *   <li>{@code FLOAT16}: IEEE 754 binary16 little-endian, round to nearest even; lossy, for updates.
 *   <li>{@code QUANT8}: 8-bit linear quantization in blocks of {@value #QUANT_BLOCK} values, each block
 *       led by its float32 minimum and step ({@code v ≈ min + q·step}, q in 0..255); lossy, for updates.
 *       The scheme is the "linear quantization" of Konečný et al., "Federated Learning: Strategies for
 *       Improving Communication Efficiency" (2016), applied per block rather than per tensor.
 * </ul>
 *
 * <p>Stateless and thread-safe.
 */
public final class PayloadCodec {
  /** Values per QUANT8 block (one scale and offset each). */
  public static final int QUANT_BLOCK = 4096;

  private PayloadCodec() {}

  /** True for encodings that reproduce the input bit for bit. */
  public static boolean isLossless(Encoding e) {
    return e == Encoding.RAW_F32 || e == Encoding.GZIP_F32;
  }

  /** The encoded size of {@code n} values, or -1 when it depends on the content (gzip). */
  public static long encodedSize(Encoding e, long n) {
    return switch (e) {
      case RAW_F32 -> 4 * n;
      case FLOAT16 -> 2 * n;
      case QUANT8 -> n + 8 * ((n + QUANT_BLOCK - 1) / QUANT_BLOCK);
      case GZIP_F32 -> -1;
      default -> throw new IllegalArgumentException("no size for encoding " + e);
    };
  }

  /** Encodes {@code values} (not modified). */
  public static byte[] encode(float[] values, Encoding e) {
    return switch (e) {
      case RAW_F32 -> raw(values);
      case GZIP_F32 -> gzip(raw(values));
      case FLOAT16 -> half(values);
      case QUANT8 -> quant8(values);
      default -> throw new IllegalArgumentException("cannot encode with " + e);
    };
  }

  /**
   * Decodes exactly {@code count} values.
   *
   * @throws PayloadException {@code UNSUPPORTED_ENCODING} for an unknown encoding, {@code MALFORMED}
   *     when the payload does not hold exactly {@code count} values
   */
  public static float[] decode(byte[] payload, Encoding e, int count) throws PayloadException {
    if (count < 0) {
      throw new PayloadException(ErrorCode.MALFORMED, "negative parameter count " + count);
    }
    switch (e) {
      case RAW_F32 -> {
        expectSize(payload, e, count);
        float[] out = new float[count];
        ByteBuffer.wrap(payload).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
        return out;
      }
      case GZIP_F32 -> {
        return decode(gunzip(payload, 4L * count), Encoding.RAW_F32, count);
      }
      case FLOAT16 -> {
        expectSize(payload, e, count);
        float[] out = new float[count];
        ByteBuffer b = ByteBuffer.wrap(payload).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < count; i++) {
          out[i] = halfToFloat(b.getShort());
        }
        return out;
      }
      case QUANT8 -> {
        expectSize(payload, e, count);
        float[] out = new float[count];
        ByteBuffer b = ByteBuffer.wrap(payload).order(ByteOrder.LITTLE_ENDIAN);
        for (int start = 0; start < count; start += QUANT_BLOCK) {
          int end = Math.min(count, start + QUANT_BLOCK);
          float min = b.getFloat();
          float step = b.getFloat();
          for (int i = start; i < end; i++) {
            out[i] = min + (b.get() & 0xFF) * step;
          }
        }
        return out;
      }
      default -> throw new PayloadException(ErrorCode.UNSUPPORTED_ENCODING, "unsupported encoding " + e);
    }
  }

  private static void expectSize(byte[] payload, Encoding e, int count) throws PayloadException {
    long want = encodedSize(e, count);
    if (payload.length != want) {
      throw new PayloadException(ErrorCode.MALFORMED, e + " payload of " + payload.length + " bytes cannot hold "
          + count + " values (" + want + " bytes expected)");
    }
  }

  private static byte[] raw(float[] v) {
    ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
    b.asFloatBuffer().put(v);
    return b.array();
  }

  private static byte[] gzip(byte[] raw) {
    ByteArrayOutputStream bos = new ByteArrayOutputStream(raw.length / 2 + 64);
    try (GZIPOutputStream gz = new GZIPOutputStream(bos, 64 * 1024)) {
      gz.write(raw);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bos.toByteArray();
  }

  private static byte[] gunzip(byte[] payload, long expected) throws PayloadException {
    if (expected > Integer.MAX_VALUE - 8) {
      throw new PayloadException(ErrorCode.PAYLOAD_TOO_LARGE, "decoded size " + expected + " is too large");
    }
    byte[] out = new byte[(int) expected];
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(payload), 64 * 1024)) {
      int off = 0;
      while (off < out.length) {
        int n = in.read(out, off, out.length - off);
        if (n < 0) {
          throw new PayloadException(ErrorCode.MALFORMED,
              "gzip payload decodes to " + off + " bytes, " + expected + " expected");
        }
        off += n;
      }
      if (in.read() >= 0) {
        throw new PayloadException(ErrorCode.MALFORMED, "gzip payload decodes to more than " + expected + " bytes");
      }
    } catch (IOException e) {
      throw new PayloadException(ErrorCode.MALFORMED, "invalid gzip payload: " + e.getMessage());
    }
    return out;
  }

  private static byte[] half(float[] v) {
    ByteBuffer b = ByteBuffer.allocate(2 * v.length).order(ByteOrder.LITTLE_ENDIAN);
    for (float f : v) {
      b.putShort(floatToHalf(f));
    }
    return b.array();
  }

  private static byte[] quant8(float[] v) {
    ByteBuffer b = ByteBuffer.allocate((int) encodedSize(Encoding.QUANT8, v.length)).order(ByteOrder.LITTLE_ENDIAN);
    for (int start = 0; start < v.length; start += QUANT_BLOCK) {
      int end = Math.min(v.length, start + QUANT_BLOCK);
      float min = Float.POSITIVE_INFINITY;
      float max = Float.NEGATIVE_INFINITY;
      boolean finite = true;
      for (int i = start; i < end; i++) {
        float x = v[i];
        if (!Float.isFinite(x)) {
          finite = false;
        }
        min = Math.min(min, x);
        max = Math.max(max, x);
      }
      if (!finite) {
        // keep the damage visible: the block decodes to NaN and the coordinator rejects it as NON_FINITE
        b.putFloat(Float.NaN).putFloat(0f);
        for (int i = start; i < end; i++) {
          b.put((byte) 0);
        }
        continue;
      }
      float step = (max - min) / 255f;
      b.putFloat(min).putFloat(step);
      for (int i = start; i < end; i++) {
        int q = step > 0 ? Math.round((v[i] - min) / step) : 0;
        b.put((byte) Math.max(0, Math.min(255, q)));
      }
    }
    return b.array();
  }

  /** IEEE 754 binary16 from float32, round to nearest even (as {@code Float.floatToFloat16} of Java 20). */
  static short floatToHalf(float f) {
    int bits = Float.floatToRawIntBits(f);
    short sign = (short) ((bits & 0x8000_0000) >> 16);
    if (Float.isNaN(f)) {
      return (short) (sign | 0x7e00);
    }
    float abs = Math.abs(f);
    if (abs >= 65520f) {
      return (short) (sign | 0x7c00);
    }
    if (abs <= 0x1.0p-25f) {
      return sign;
    }
    int exp = Math.getExponent(f);
    int expDelta = 0;
    int msb = 0;
    if (exp < -14) {
      expDelta = -14 - exp;
      exp = -15;
      msb = 0x0080_0000;
    }
    int significand = (bits & 0x007f_ffff) | msb;
    int halfSignificand = significand >> (13 + expDelta);
    int lsb = significand & (1 << (13 + expDelta));
    int round = significand & (1 << (12 + expDelta));
    int sticky = significand & ((1 << (12 + expDelta)) - 1);
    if (round != 0 && (lsb | sticky) != 0) {
      halfSignificand++;
    }
    return (short) (sign | (((exp + 15) << 10) + halfSignificand));
  }

  /** float32 from IEEE 754 binary16 (exact). */
  static float halfToFloat(short h) {
    int signBit = 0x8000 & h;
    int expBits = 0x7c00 & h;
    int significand = 0x03ff & h;
    float sign = signBit != 0 ? -1f : 1f;
    int exp = (expBits >> 10) - 15;
    if (exp == -15) {
      return sign * (0x1p-24f * significand);
    }
    if (exp == 16) {
      return significand == 0 ? sign * Float.POSITIVE_INFINITY
          : Float.intBitsToFloat((signBit << 16) | 0x7f80_0000 | (significand << 13));
    }
    return Float.intBitsToFloat((signBit << 16) | ((exp + 127) << 23) | (significand << 13));
  }
}
