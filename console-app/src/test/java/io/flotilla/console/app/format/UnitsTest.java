package io.flotilla.console.app.format;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

class UnitsTest {
  @Test
  void percentHasOneDecimalAndASpaceBeforeTheSign() {
    assertThat(Units.percent(0.6)).isEqualTo("60.0 %");
    assertThat(Units.percent(1.0)).isEqualTo("100.0 %");
    assertThat(Units.percent(0)).isEqualTo("0.0 %");
    assertThat(Units.percent(0.0005)).isEqualTo("0.1 %");
    assertThat(Units.percent(-0.123)).isEqualTo("-12.3 %");
    assertThat(Units.percent(-0.0001)).isEqualTo("0.0 %");
    assertThat(Units.percent(Double.NaN)).isEqualTo(Units.NONE);
    assertThat(Units.percent(Double.POSITIVE_INFINITY)).isEqualTo(Units.NONE);
    assertThat(Units.percent(1e11)).isEqualTo(String.format(Locale.ROOT, "%.1f %%", 1e13));
  }

  @Test
  void percentMatchesTheFormatterAwayFromRoundingTies() {
    Random r = new Random(7);
    for (int i = 0; i < 10_000; i++) {
      double f = (r.nextInt(400_000) - 200_000) / 100_000.0 + 0.0000003; // never on a .x5 tie
      if (Math.abs(f) < 0.0005) {
        continue; // the Formatter writes "-0.0 %" for a tiny negative; the console writes "0.0 %"
      }
      assertThat(Units.percent(f)).as("%s", f).isEqualTo(String.format(Locale.ROOT, "%.1f %%", f * 100));
    }
  }

  @Test
  void fixedWritesExactlyWhatTheFormatterWrites() {
    Random r = new Random(11);
    double[] special = {0, -0.0, 0.5, -0.5, 1.5, 2.5, 0.0005, -0.0004, 0.125, 1e-9, -1e-9, 999_999.9999, 123_456_789.987,
        1e9, 1e15, -1e20, Double.MIN_VALUE, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};
    for (int d = 0; d <= 6; d++) {
      for (double v : special) {
        check(v, d);
      }
      for (int i = 0; i < 20_000; i++) {
        double v = (r.nextDouble() - 0.5) * Math.pow(10, r.nextInt(12) - 5);
        check(v, d);
      }
      for (int i = 0; i < 2_000; i++) { // ties and near-ties: n + 0.5 at the last decimal
        double v = (r.nextInt(2_000_000) - 1_000_000 + 0.5) / Math.pow(10, d);
        check(v, d);
        check(Math.nextUp(v), d);
        check(Math.nextDown(v), d);
      }
    }
  }

  @Test
  void countGroupsThousandsAsTheFormatterDoes() {
    Random r = new Random(5);
    long[] special = {0, 1, -1, 999, 1_000, -1_000, 999_999, 1_000_000, Long.MAX_VALUE, Long.MIN_VALUE};
    for (long n : special) {
      assertThat(Units.count(n)).isEqualTo(String.format(Locale.ROOT, "%,d", n));
    }
    for (int i = 0; i < 20_000; i++) {
      long n = r.nextLong() >> r.nextInt(63);
      assertThat(Units.count(n)).as("%d", n).isEqualTo(String.format(Locale.ROOT, "%,d", n));
    }
  }

  private static void check(double v, int d) {
    assertThat(Units.fixed(v, d)).as("%s, %d decimals", v, d).isEqualTo(String.format(Locale.ROOT, "%." + d + "f", v));
    assertThat(Units.signedFixed(v, d)).as("%s, %d decimals, signed", v, d)
        .isEqualTo(String.format(Locale.ROOT, "%+." + d + "f", v));
  }
}
