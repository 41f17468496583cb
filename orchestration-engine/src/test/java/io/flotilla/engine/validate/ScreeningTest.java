package io.flotilla.engine.validate;

import static org.assertj.core.api.Assertions.assertThat;

import io.flotilla.engine.api.Extensions;
import io.flotilla.engine.api.Provenance;
import io.flotilla.engine.api.RejectReason;
import io.flotilla.engine.api.Safeguards;
import io.flotilla.engine.api.Update;
import io.flotilla.engine.model.ModelState;
import io.flotilla.engine.model.ParameterLayout;
import io.flotilla.engine.model.TensorSpec;
import io.flotilla.engine.spi.UpdateValidator.Rejection;
import io.flotilla.engine.spi.UpdateValidator.UpdateFeatures;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ScreeningTest {
  static final int P = 200;

  static float[] honest(SplittableRandom r, float[] trend) {
    float[] d = new float[P];
    for (int i = 0; i < P; i++) {
      d[i] = trend[i] + 0.3f * (float) r.nextGaussian(); // a shared direction plus local noise
    }
    return d;
  }

  static Update u(String id, float[] d) {
    return new Update(id, 1, 0, 0, d, 10, 1, 1, Map.of(), new Provenance("t", 0, 10, null));
  }

  @Test
  void honestUpdatesPassAndAttacksAreCaughtWithTheirReason() {
    SplittableRandom r = new SplittableRandom(4);
    float[] trend = new float[P];
    for (int i = 0; i < P; i++) {
      trend[i] = (float) r.nextGaussian();
    }
    ModelState base = ModelState.of(ParameterLayout.of(new TensorSpec("w", P)), new float[P], 0);
    ReferenceDirection ref = ReferenceDirection.of(0, trend, base);
    Screening s = new Screening(Safeguards.defaults().validators(), 100);
    int honestRejected = 0;
    for (int k = 0; k < 40; k++) { // history of honest norms
      UpdateFeatures f = UpdateFeaturesCalculator.of(u("h" + k, honest(r, trend)), ref);
      Optional<Rejection> v = s.check(f);
      if (v.isPresent()) {
        honestRejected++;
      } else {
        s.accepted(f);
      }
    }
    assertThat(honestRejected).isZero();
    float[] flipped = honest(r, trend);
    for (int i = 0; i < P; i++) {
      flipped[i] = -flipped[i];
    }
    assertThat(s.check(UpdateFeaturesCalculator.of(u("flip", flipped), ref))).get()
        .extracting(Rejection::reason).isEqualTo(RejectReason.SUSPICIOUS_DIRECTION);
    float[] scaled = honest(r, trend);
    for (int i = 0; i < P; i++) {
      scaled[i] *= 10;
    }
    assertThat(s.check(UpdateFeaturesCalculator.of(u("scale", scaled), ref))).get()
        .satisfies(x -> assertThat(x.reason()).isEqualTo(RejectReason.SUSPICIOUS_NORM))
        .satisfies(x -> assertThat(x.detail()).contains("median"));
    assertThat(s.check(UpdateFeaturesCalculator.of(u("free", new float[P]), ref))).get()
        .satisfies(x -> assertThat(x.detail()).contains("free rider"));
    float[] noise = new float[P];
    for (int i = 0; i < P; i++) {
      noise[i] = 10f * (float) r.nextGaussian();
    }
    // loud noise is caught by its norm; noise no louder than an honest update passes (and does little harm)
    assertThat(s.check(UpdateFeaturesCalculator.of(u("noise", noise), ref))).isPresent();
  }

  @Test
  void bootstrapJudgesTheFirstRoundAgainstItsOwnMedian() {
    // first round: 3 boosted updates come first in cohort order, then 7 honest ones
    Screening s = new Screening(Safeguards.defaults().validators(), 100);
    assertThat(s.needsBootstrap()).isTrue();
    List<UpdateFeatures> round = new ArrayList<>();
    for (int k = 0; k < 10; k++) {
      round.add(new UpdateFeatures("p" + k, 1, 10, k < 3 ? 40.0 : 2.0 + 0.1 * k, Double.NaN, false));
    }
    s.bootstrap(round);
    List<String> rejected = new ArrayList<>();
    for (UpdateFeatures f : round) {
      if (s.check(f).isPresent()) {
        rejected.add(f.participantId());
      } else {
        s.accepted(f);
      }
    }
    s.endBootstrap();
    assertThat(rejected).containsExactly("p0", "p1", "p2");
    assertThat(s.needsBootstrap()).as("no cosines yet: the first round with a reference is a batch too").isTrue();
    for (int k = 0; k < 5; k++) {
      s.accepted(new UpdateFeatures("q" + k, 2, 10, 2.0, 0.8, false));
    }
    assertThat(s.needsBootstrap()).isFalse();
  }

  @Test
  void validatorsAreExtensionsWithParameters() {
    Extensions ext = Extensions.load();
    assertThat(ext.validators()).extracting(v -> v.name()).contains("norm", "direction");
    assertThat(ext.validator("direction:min-cosine=0.5").check(
        new UpdateFeatures("a", 1, 1, 1, 0.4, false), null)).isPresent();
    var honest = new io.flotilla.engine.spi.UpdateValidator.RecentStatistics(10, 0, 0.1, 10, 0.8, 0.05);
    var scattered = new io.flotilla.engine.spi.UpdateValidator.RecentStatistics(10, 0, 0.1, 10, 0.0, 0.2);
    var direction = ext.validator("direction");
    // against clearly positive honest cosines, a negative one is suspicious; against scattered ones it is not
    assertThat(direction.check(new UpdateFeatures("a", 1, 1, 1, -0.3, false), honest)).isPresent();
    assertThat(direction.check(new UpdateFeatures("a", 1, 1, 1, -0.3, false), scattered)).isEmpty();
    assertThat(direction.check(new UpdateFeatures("a", 1, 1, 1, 0.5, false), honest)).isEmpty(); // >= max-cosine
    assertThat(ext.validator("norm:z=100").check(new UpdateFeatures("a", 1, 1, 50, Double.NaN, false),
        new io.flotilla.engine.spi.UpdateValidator.RecentStatistics(10, 0, 0.1, 0, Double.NaN, Double.NaN))).isEmpty();
  }
}
