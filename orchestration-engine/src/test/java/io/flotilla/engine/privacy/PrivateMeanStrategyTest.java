package io.flotilla.engine.privacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import io.flotilla.engine.api.Extensions;
import io.flotilla.engine.api.PrivacyConfig;
import io.flotilla.engine.api.Provenance;
import io.flotilla.engine.api.Update;
import io.flotilla.engine.model.ModelState;
import io.flotilla.engine.model.ParameterLayout;
import io.flotilla.engine.model.TensorSpec;
import io.flotilla.engine.spi.RoundAggregator;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PrivateMeanStrategyTest {
  static Update u(String id, long n, float... d) {
    return new Update(id, 1, 0, 0, d, n, 1, 1, Map.of(), new Provenance("t", 0, n, null));
  }

  static ModelState zeros(int n) {
    return ModelState.of(ParameterLayout.of(new TensorSpec("w", n)), new float[n], 0);
  }

  @Test
  void withoutNoiseItIsTheUniformMeanOfClippedUpdates() {
    PrivateMeanStrategy s = PrivateMeanStrategy.wrap(Extensions.load().strategy("fedavg"),
        new PrivacyConfig(1.0, 0.0, 1e-5, Double.POSITIVE_INFINITY, 1L));
    RoundAggregator agg = s.begin(zeros(2));
    agg.accept(u("a", 1000, 3f, 4f)); // clipped to (0.6, 0.8); sample counts are ignored
    agg.accept(u("b", 1, 0.2f, 0f)); // inside the bound
    float[] w = agg.aggregate().orElseThrow();
    assertThat(w[0]).isCloseTo(0.4f, offset(1e-6f));
    assertThat(w[1]).isCloseTo(0.4f, offset(1e-6f));
  }

  @Test
  void noiseHasTheCalibratedStandardDeviationAndIsReproducible() {
    int p = 200_000;
    PrivacyConfig cfg = new PrivacyConfig(2.0, 1.5, 1e-5, Double.POSITIVE_INFINITY, 7L);
    float[] w = run(cfg, p);
    double sum = 0;
    double sq = 0;
    for (float x : w) {
      sum += x;
      sq += (double) x * x;
    }
    double mean = sum / p;
    double sd = Math.sqrt(sq / p - mean * mean);
    // 4 zero updates: noise N(0, (z C)^2) on the sum, divided by 4
    assertThat(sd).isCloseTo(1.5 * 2.0 / 4, offset(0.01));
    assertThat(mean).isCloseTo(0, offset(0.01));
    assertThat(run(cfg, p)).isEqualTo(w);
  }

  private static float[] run(PrivacyConfig cfg, int p) {
    PrivateMeanStrategy s = PrivateMeanStrategy.wrap(Extensions.load().strategy("fedavg"), cfg);
    RoundAggregator agg = s.begin(zeros(p));
    for (int k = 0; k < 4; k++) {
      agg.accept(u("p" + k, 1, new float[p]));
    }
    return agg.aggregate().orElseThrow();
  }

  @Test
  void keepsTheServerOptimizerAndRefusesRobustStrategies() {
    PrivacyConfig cfg = new PrivacyConfig(1.0, 0.0, 1e-5, Double.POSITIVE_INFINITY, 1L);
    PrivateMeanStrategy m = PrivateMeanStrategy.wrap(Extensions.load().strategy("fedavgm:momentum=0.5,server-lr=2"),
        cfg);
    RoundAggregator agg = m.begin(zeros(1));
    agg.accept(u("a", 1, 0.5f));
    assertThat(agg.aggregate().orElseThrow()).containsExactly(1f);
    assertThat(m.state()).containsKey("velocity");
    assertThatThrownBy(() -> PrivateMeanStrategy.wrap(Extensions.load().strategy("median"), cfg))
        .hasMessageContaining("--dp").hasMessageContaining("median");
  }
}
