package io.flotilla.engine.converge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flotilla.engine.api.Extensions;
import io.flotilla.engine.spi.StoppingRule;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Each stopping rule stops where it should and not a round before. */
class StoppingRulesTest {
  final Extensions ext = Extensions.load();

  /** The first round (1-based) at which {@code rule} stops on {@code curve} of {@code metric}, or -1. */
  static int stopRound(StoppingRule rule, String metric, double[] curve) {
    for (int i = 0; i < curve.length; i++) {
      Optional<String> why = rule.check(i + 1, Map.of(metric, curve[i]));
      if (why.isPresent()) {
        return i + 1;
      }
    }
    return -1;
  }

  @Test
  void rulesAreFoundByNameWithTypedParameters() {
    assertThat(ext.stoppingRules()).extracting(p -> p.name())
        .contains("max-rounds", "target", "plateau", "no-improvement");
    assertThatThrownBy(() -> ext.stoppingRule("plateau:windw=3")).hasMessageContaining("no parameter 'windw'");
    assertThatThrownBy(() -> ext.stoppingRule("plateau:window=0")).hasMessageContaining("window >= 1");
    assertThatThrownBy(() -> ext.stoppingRule("nope")).hasMessageContaining("unknown stopping rule 'nope'");
  }

  @Test
  void maxRoundsStopsAtItsCount() {
    StoppingRule r = ext.stoppingRule("max-rounds:rounds=4");
    assertThat(stopRound(r, "test_loss", new double[] {1, 1, 1, 1, 1, 1})).isEqualTo(4);
  }

  @Test
  void targetStopsOnTheFirstRoundThatReachesIt() {
    assertThat(stopRound(ext.stoppingRule("target:metric=test_accuracy,value=0.8"), "test_accuracy",
        new double[] {0.5, 0.7, 0.799, 0.8, 0.9})).isEqualTo(4);
    // losses must fall to the target
    assertThat(stopRound(ext.stoppingRule("target:metric=test_loss,value=0.3"), "test_loss",
        new double[] {1.0, 0.5, 0.31, 0.29})).isEqualTo(4);
    assertThat(stopRound(ext.stoppingRule("target:metric=test_accuracy,value=0.95"), "test_accuracy",
        new double[] {0.5, 0.9, 0.94})).isEqualTo(-1);
  }

  @Test
  void plateauStopsWhenTheWindowImprovesByLessThanTheMinimum() {
    StoppingRule r = ext.stoppingRule("plateau:metric=test_loss,window=3,min=0.01");
    // best of the last 3 vs best before them: 0.3, 0.205, 0.106, then 0.0065 < 0.01 at round 7
    assertThat(stopRound(r, "test_loss", new double[] {1.0, 0.9, 0.8, 0.7, 0.695, 0.694, 0.6935, 0.5}))
        .isEqualTo(7);
    // a steadily improving curve never stops
    double[] improving = new double[30];
    for (int i = 0; i < improving.length; i++) {
      improving[i] = 1.0 - 0.02 * i;
    }
    assertThat(stopRound(ext.stoppingRule("plateau:metric=test_loss,window=3,min=0.01"), "test_loss", improving))
        .isEqualTo(-1);
  }

  /** A seeded noisy curve: falls by 0.04 a round until round 18, flat (plus the same noise) after. */
  static double[] noisyCurve(long seed, int n) {
    Random rnd = new Random(seed);
    double[] c = new double[n];
    for (int i = 0; i < n; i++) {
      c[i] = Math.max(0.3, 1.0 - 0.04 * (i + 1)) + 0.01 * rnd.nextGaussian();
    }
    return c;
  }

  @Test
  void noImprovementTestStopsSoonAfterTheCurveFlattensAndNeverWhileItFalls() {
    for (long seed = 1; seed <= 20; seed++) {
      StoppingRule r = ext.stoppingRule("no-improvement:metric=test_loss,window=5,alpha=0.05");
      int at = stopRound(r, "test_loss", noisyCurve(seed, 60));
      // the curve falls until round 18; the two compared windows must both sit mostly on the plateau
      assertThat(at).as("seed " + seed).isBetween(19, 30);
    }
    double[] falling = new double[40];
    Random rnd = new Random(7);
    for (int i = 0; i < falling.length; i++) {
      falling[i] = 2.0 - 0.04 * i + 0.01 * rnd.nextGaussian();
    }
    assertThat(stopRound(ext.stoppingRule("no-improvement:metric=test_loss,window=5,alpha=0.05"), "test_loss",
        falling)).isEqualTo(-1);
  }

  @Test
  void oneSidedMannWhitneyHasTheRightDirection() {
    double[] hi = {5, 6, 7, 8, 9};
    double[] lo = {0, 1, 2, 3, 4};
    assertThat(NoImprovementRuleProvider.oneSidedGreater(hi, lo)).isLessThan(0.01);
    assertThat(NoImprovementRuleProvider.oneSidedGreater(lo, hi)).isGreaterThan(0.99);
  }
}
