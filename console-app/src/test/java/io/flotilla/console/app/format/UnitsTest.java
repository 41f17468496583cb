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
}
