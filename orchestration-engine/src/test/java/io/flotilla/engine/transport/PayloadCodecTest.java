package io.flotilla.engine.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flotilla.engine.transport.proto.Encoding;
import io.flotilla.engine.transport.proto.ErrorCode;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PayloadCodecTest {
  static float[] randomValues(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) (r.nextGaussian() * 0.01);
    }
    return v;
  }

  @Test
  void losslessEncodingsRoundTripBitForBit() throws Exception {
    float[] v = randomValues(10_001, 1);
    v[3] = -0.0f;
    v[4] = Float.MIN_VALUE;
    for (Encoding e : new Encoding[] {Encoding.RAW_F32, Encoding.GZIP_F32}) {
      float[] back = PayloadCodec.decode(PayloadCodec.encode(v, e), e, v.length);
      for (int i = 0; i < v.length; i++) {
        assertThat(Float.floatToRawIntBits(back[i])).as(e + " at " + i).isEqualTo(Float.floatToRawIntBits(v[i]));
      }
    }
    assertThat(PayloadCodec.encode(v, Encoding.RAW_F32)).hasSize(4 * v.length);
  }

  @Test
  void float16IsExactOnRepresentableValuesAndCloseOtherwise() throws Exception {
    float[] exact = {0f, 1f, -2f, 0.5f, 65504f, 0x1p-24f, -0x1p-14f};
    assertThat(PayloadCodec.decode(PayloadCodec.encode(exact, Encoding.FLOAT16), Encoding.FLOAT16, exact.length))
        .containsExactly(exact);
    assertThat(PayloadCodec.halfToFloat(PayloadCodec.floatToHalf(1e6f))).isEqualTo(Float.POSITIVE_INFINITY);
    assertThat(PayloadCodec.floatToHalf(1.0009765625f)).isEqualTo((short) 0x3c01);
    assertThat(PayloadCodec.floatToHalf(1.00048828125f)).as("ties to even").isEqualTo((short) 0x3c00);
    float[] v = randomValues(5000, 2);
    float[] back = PayloadCodec.decode(PayloadCodec.encode(v, Encoding.FLOAT16), Encoding.FLOAT16, v.length);
    for (int i = 0; i < v.length; i++) {
      assertThat(Math.abs(back[i] - v[i])).isLessThanOrEqualTo(Math.max(Math.abs(v[i]) * 0x1p-11f, 0x1p-25f));
    }
    assertThat(PayloadCodec.encode(v, Encoding.FLOAT16)).hasSize(2 * v.length);
  }

  @Test
  void quant8ErrIsAtMostHalfAStepPerBlock() throws Exception {
    float[] v = randomValues(3 * PayloadCodec.QUANT_BLOCK + 17, 3);
    byte[] enc = PayloadCodec.encode(v, Encoding.QUANT8);
    assertThat(enc.length).isEqualTo(v.length + 8 * 4);
    float[] back = PayloadCodec.decode(enc, Encoding.QUANT8, v.length);
    for (int b = 0; b * PayloadCodec.QUANT_BLOCK < v.length; b++) {
      int from = b * PayloadCodec.QUANT_BLOCK;
      int to = Math.min(v.length, from + PayloadCodec.QUANT_BLOCK);
      float[] block = Arrays.copyOfRange(v, from, to);
      float min = Float.MAX_VALUE;
      float max = -Float.MAX_VALUE;
      for (float x : block) {
        min = Math.min(min, x);
        max = Math.max(max, x);
      }
      float step = (max - min) / 255f;
      for (int i = from; i < to; i++) {
        assertThat(Math.abs(back[i] - v[i])).isLessThanOrEqualTo(step / 2 + 1e-7f);
      }
    }
    float[] constant = new float[100];
    Arrays.fill(constant, 0.25f);
    assertThat(PayloadCodec.decode(PayloadCodec.encode(constant, Encoding.QUANT8), Encoding.QUANT8, 100))
        .containsOnly(0.25f);
  }

  @Test
  void nonFiniteValuesStayVisibleAfterLossyEncoding() throws Exception {
    float[] v = {1f, Float.NaN, 2f};
    assertThat(PayloadCodec.decode(PayloadCodec.encode(v, Encoding.QUANT8), Encoding.QUANT8, 3)).containsOnly(Float.NaN);
    assertThat(PayloadCodec.decode(PayloadCodec.encode(v, Encoding.FLOAT16), Encoding.FLOAT16, 3)[1]).isNaN();
  }

  @Test
  void wrongSizesAndBadGzipAreMalformed() {
    byte[] raw = PayloadCodec.encode(new float[10], Encoding.RAW_F32);
    assertThatThrownBy(() -> PayloadCodec.decode(raw, Encoding.RAW_F32, 11))
        .isInstanceOf(PayloadException.class).extracting(e -> ((PayloadException) e).code()).isEqualTo(ErrorCode.MALFORMED);
    assertThatThrownBy(() -> PayloadCodec.decode(raw, Encoding.FLOAT16, 10))
        .extracting(e -> ((PayloadException) e).code()).isEqualTo(ErrorCode.MALFORMED);
    byte[] gz = PayloadCodec.encode(new float[1000], Encoding.GZIP_F32);
    // a small payload that inflates past the declared size is cut off, not inflated
    assertThatThrownBy(() -> PayloadCodec.decode(gz, Encoding.GZIP_F32, 10))
        .extracting(e -> ((PayloadException) e).code()).isEqualTo(ErrorCode.MALFORMED);
    assertThatThrownBy(() -> PayloadCodec.decode(gz, Encoding.GZIP_F32, 2000))
        .extracting(e -> ((PayloadException) e).code()).isEqualTo(ErrorCode.MALFORMED);
    assertThatThrownBy(() -> PayloadCodec.decode(new byte[] {1, 2, 3}, Encoding.GZIP_F32, 1))
        .extracting(e -> ((PayloadException) e).code()).isEqualTo(ErrorCode.MALFORMED);
    assertThatThrownBy(() -> PayloadCodec.decode(raw, Encoding.ENCODING_UNSPECIFIED, 10))
        .extracting(e -> ((PayloadException) e).code()).isEqualTo(ErrorCode.UNSUPPORTED_ENCODING);
  }

  @Test
  void gzipShrinksSparseUpdates() {
    float[] sparse = new float[100_000];
    sparse[7] = 1f;
    assertThat(PayloadCodec.encode(sparse, Encoding.GZIP_F32).length).isLessThan(4 * sparse.length / 50);
  }
}
