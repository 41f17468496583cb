package io.flotilla.engine.aggregate;

import static io.flotilla.engine.aggregate.Updates.aggregate;
import static io.flotilla.engine.aggregate.Updates.model;
import static io.flotilla.engine.aggregate.Updates.update;
import static io.flotilla.engine.aggregate.Updates.zeros;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import io.flotilla.engine.api.Extensions;
import io.flotilla.engine.api.Update;
import io.flotilla.engine.spi.AggregationStrategy;
import io.flotilla.engine.spi.RoundAggregator;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The streaming mean family against hand-computed values. */
class MeanFamilyTest {
  static final Extensions EXT = Extensions.load();

  @Test
  void everyBuiltInStrategyIsRegisteredWithDocumentedParameters() {
    assertThat(EXT.strategies()).extracting(p -> p.name()).contains("fedavg", "fedavgm", "fedprox", "fedadagrad",
        "fedadam", "fedyogi", "clip", "qfedavg", "median", "trimmed-mean", "krum", "multi-krum");
    EXT.strategies().forEach(p -> {
      assertThat(p.description()).isNotBlank();
      p.parameters().forEach(s -> assertThat(s.description()).as(p.name() + "." + s.name()).isNotBlank());
    });
    assertThat(EXT.problems()).isEmpty();
  }

  @Test
  void trustAndQualityWeighting() {
    var global = zeros(1);
    RoundAggregator t = EXT.strategy("fedavg:weighting=trust").begin(global);
    t.accept(update("a", 100, 4f), 1.0);
    t.accept(update("b", 1, 10f), 0.5); // (1*4 + 0.5*10) / 1.5 = 6
    assertThat(t.aggregate().orElseThrow()[0]).isCloseTo(6f, offset(1e-6f));
    RoundAggregator q = EXT.strategy("fedavg:weighting=quality").begin(global);
    q.accept(update("a", 100, Map.of("data_quality", 0.25), 8f));
    q.accept(update("b", 1, Map.of("data_quality", 0.75), 0f)); // 0.25*8 / 1 = 2
    assertThat(q.aggregate().orElseThrow()[0]).isCloseTo(2f, offset(1e-6f));
  }

  @Test
  void fedAvgMAccumulatesServerMomentum() {
    // Hsu et al. 2019: v <- beta v + delta; w <- w + lr v. beta 0.5, lr 2, deltas 1 then 1:
    // round 1: v = 1, w = 0 + 2 = 2; round 2: v = 0.5 + 1 = 1.5, w = 2 + 3 = 5
    AggregationStrategy s = EXT.strategy("fedavgm:momentum=0.5,server-lr=2");
    float[] w1 = aggregate(s, model(0f), List.of(update("a", 1, 1f)));
    assertThat(w1).containsExactly(2f);
    float[] w2 = aggregate(s, model(w1), List.of(update("a", 1, 1f)));
    assertThat(w2).containsExactly(5f);
    assertThat(s.state().get("velocity")).containsExactly(1.5f);
  }

  @Test
  void fedAvgMWithoutMomentumIsFedAvg() {
    AggregationStrategy m = EXT.strategy("fedavgm:momentum=0,server-lr=1");
    AggregationStrategy a = EXT.strategy("fedavg");
    List<Update> ups = List.of(update("a", 3, 1f, -2f), update("b", 1, 5f, 2f));
    assertThat(aggregate(m, model(1f, 1f), ups)).containsExactly(aggregate(a, model(1f, 1f), ups));
  }

  @Test
  void fedProxSendsMuAndKeepsPartialWork() {
    AggregationStrategy s = EXT.strategy("fedprox:mu=1");
    assertThat(s.trainingConfig()).containsEntry("mu", 1.0);
    assertThat(s.acceptsPartialWork()).isTrue();
    assertThat(EXT.strategy("fedavg").acceptsPartialWork()).isFalse();
    assertThatThrownBy(() -> EXT.strategy("fedprox:mu=-1")).hasMessageContaining("mu");
  }

  @Test
  void fedAdamTwoRoundsByHand() {
    // Reddi et al. 2021 Alg. 2, eta 0.1, b1 0.9, b2 0.99, tau 0.001; v starts at tau^2 = 1e-6.
    AggregationStrategy s = EXT.strategy("fedadam:eta=0.1,beta1=0.9,beta2=0.99,tau=0.001");
    float[] w1 = aggregate(s, model(0f), List.of(update("a", 1, 0.5f)));
    double m1 = 0.1 * 0.5;
    double v1 = 0.99 * 1e-6 + 0.01 * 0.25;
    double x1 = 0.1 * m1 / (Math.sqrt(v1) + 0.001);
    assertThat((double) w1[0]).isCloseTo(x1, offset(1e-6));
    float[] w2 = aggregate(s, model(w1), List.of(update("a", 1, -0.2f)));
    double m2 = 0.9 * m1 + 0.1 * -0.2;
    double v2 = 0.99 * v1 + 0.01 * 0.04;
    assertThat((double) w2[0]).isCloseTo(w1[0] + 0.1 * m2 / (Math.sqrt(v2) + 0.001), offset(1e-6));
  }

  @Test
  void fedAdagradAndFedYogiByHand() {
    AggregationStrategy ada = EXT.strategy("fedadagrad:eta=1,beta1=0,tau=0.01");
    // m = delta = 2, v = 1e-4 + 4, x = 2 / (sqrt(4.0001) + 0.01)
    assertThat((double) aggregate(ada, model(0f), List.of(update("a", 1, 2f)))[0])
        .isCloseTo(2 / (Math.sqrt(4.0001) + 0.01), offset(1e-6));
    AggregationStrategy yogi = EXT.strategy("fedyogi:eta=1,beta1=0,beta2=0.9,tau=0.01");
    // v0 = 1e-4 < d^2 = 4: sign(v0 - d^2) = -1, v = 1e-4 + 0.1 * 4 = 0.4001
    assertThat((double) aggregate(yogi, model(0f), List.of(update("a", 1, 2f)))[0])
        .isCloseTo(2 / (Math.sqrt(0.4001) + 0.01), offset(1e-6));
  }

  @Test
  void optimizerStateRoundTrips() {
    AggregationStrategy a = EXT.strategy("fedadam:eta=0.1");
    aggregate(a, model(0f, 0f), List.of(update("a", 1, 0.5f, -1f)));
    AggregationStrategy b = EXT.strategy("fedadam:eta=0.1");
    b.restore(a.state());
    List<Update> next = List.of(update("a", 1, 0.3f, 0.2f));
    assertThat(aggregate(b, model(1f, 1f), next)).containsExactly(aggregate(a, model(1f, 1f), next));
    assertThatThrownBy(() -> b.restore(Map.of("velocity", new float[1]))).hasMessageContaining("velocity");
  }

  @Test
  void fixedClippingBoundsEachUpdate() {
    // norms 5 and 1 under C = 1: (3,4)/5 and (1,0) -> mean (0.8, 0.4) with uniform weights
    AggregationStrategy s = EXT.strategy("clip:norm=1,weighting=uniform");
    float[] w = aggregate(s, zeros(2), List.of(update("a", 1, 3f, 4f), update("b", 1, 1f, 0f)));
    assertThat(w[0]).isCloseTo(0.8f, offset(1e-6f));
    assertThat(w[1]).isCloseTo(0.4f, offset(1e-6f));
  }

  @Test
  void adaptiveClippingMovesTheBoundTowardsTheQuantile() {
    // Andrew et al. 2021: C <- C exp(-eta (b - gamma)); all 3 norms (10) above C = 1: b = 0
    NormClipping s = (NormClipping) EXT.strategy("clip:norm=1,adaptive=true,quantile=0.5,clip-lr=0.2");
    aggregate(s, zeros(1), List.of(update("a", 1, 10f), update("b", 1, 10f), update("c", 1, -10f)));
    assertThat(s.bound()).isCloseTo(Math.exp(0.1), offset(1e-12));
    NormClipping fixed = (NormClipping) EXT.strategy("clip:norm=1");
    aggregate(fixed, zeros(1), List.of(update("a", 1, 10f)));
    assertThat(fixed.bound()).isEqualTo(1.0);
  }

  @Test
  void qFedAvgWithQZeroIsUnweightedFedAvg() {
    List<Update> ups = List.of(update("a", 10, Map.of("initial_loss", 2.0), 1f, 3f),
        update("b", 90, Map.of("initial_loss", 0.5), 3f, -1f));
    float[] q0 = aggregate(EXT.strategy("qfedavg:q=0,lipschitz=10"), zeros(2), ups);
    assertThat(q0[0]).isCloseTo(2f, offset(1e-5f));
    assertThat(q0[1]).isCloseTo(1f, offset(1e-5f));
  }

  @Test
  void qFedAvgByHand() {
    // Li et al. 2020, q = 1, L = 10: w += L * sum F_k d_k / sum (q F_k^(q-1) L^2 |d_k|^2 + L F_k^q)
    // a: F = 2, d = 1 -> L F d = 20, h = 100 + 20; b: F = 1 (train_loss fallback), d = -1 -> -10, h = 100 + 10
    float[] w = aggregate(EXT.strategy("qfedavg:q=1,lipschitz=10"), zeros(1),
        List.of(update("a", 1, Map.of("initial_loss", 2.0), 1f), update("b", 1, Map.of("train_loss", 1.0), -1f)));
    assertThat((double) w[0]).isCloseTo(10.0 / 230.0, offset(1e-6));
    assertThat(EXT.strategy("qfedavg").trainingConfig()).containsEntry("report_initial_loss", 1.0);
  }

  /** Thirteen updates of 5,000 Gaussian parameters with sample counts 1–50. */
  private static List<Update> gaussianUpdates(long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    List<Update> ups = new ArrayList<>();
    for (int k = 0; k < 13; k++) {
      float[] d = new float[5000];
      for (int i = 0; i < d.length; i++) {
        d[i] = (float) r.nextGaussian();
      }
      ups.add(update("p" + k, 1 + r.nextInt(50), d));
    }
    return ups;
  }

  /** One update of 1.0, then 1,000 of 1e-4 (one parameter each): a plain float sum loses most of the small ones. */
  private static List<Update> oneBigAndManySmall() {
    List<Update> ups = new ArrayList<>();
    ups.add(update("big", 1, 1f));
    for (int k = 0; k < 1000; k++) {
      ups.add(update("s" + k, 1, 1e-4f));
    }
    return ups;
  }

  @Test
  void foldingInBatchesIsBitIdenticalToFoldingOneByOne() {
    List<Update> ups = gaussianUpdates(5);
    float[] one = aggregate(EXT.strategy("fedavg"), zeros(5000), ups);
    float[] four = aggregate(EXT.strategy("fedavg:fold-batch=4"), zeros(5000), ups);
    float[] all = aggregate(EXT.strategy("fedavg:fold-batch=100"), zeros(5000), ups);
    assertThat(four).isEqualTo(one);
    assertThat(all).isEqualTo(one);
  }

  @Test
  void compensatedSumIsAsAccurateAsDouble() {
    // 1000 updates of 1e-4 on top of one of 1.0: a naive float sum loses most of the small ones
    List<Update> ups = oneBigAndManySmall();
    double exact = (1.0 + 1000 * (double) 1e-4f) / 1001;
    float[] w = aggregate(EXT.strategy("fedavg:weighting=uniform"), zeros(1), ups);
    assertThat((double) w[0]).isCloseTo(exact, offset(1e-9));
  }

  @Test
  void plainSummationIsAStrategyParameterWithItsOwnBitsWhateverTheFoldBatch() {
    List<Update> ups = gaussianUpdates(6);
    AggregationStrategy plain = EXT.strategy("fedavg:summation=plain");
    assertThat(((MeanFamilyStrategy) plain).summation()).isEqualTo(Summation.PLAIN);
    assertThat(plain.parameters()).containsEntry("summation", "plain");
    assertThat(EXT.strategy("fedavg").parameters()).doesNotContainKey("summation");
    float[] one = aggregate(plain, zeros(5000), ups);
    assertThat(aggregate(EXT.strategy("fedavg:fold-batch=4,summation=plain"), zeros(5000), ups)).isEqualTo(one);
    assertThat(aggregate(EXT.strategy("fedavg:fold-batch=100,summation=plain"), zeros(5000), ups)).isEqualTo(one);
    float[] compensated = aggregate(EXT.strategy("fedavg"), zeros(5000), ups);
    int differ = 0;
    for (int i = 0; i < one.length; i++) {
      assertThat(one[i]).isCloseTo(compensated[i], offset(1e-5f));
      differ += Float.floatToRawIntBits(one[i]) != Float.floatToRawIntBits(compensated[i]) ? 1 : 0;
    }
    assertThat(differ).as("the two summations round differently somewhere").isPositive();
    for (String other : List.of("fedavgm", "fedprox", "fedadagrad", "fedadam", "fedyogi", "clip")) {
      assertThat(((MeanFamilyStrategy) EXT.strategy(other + ":summation=plain")).summation()).as(other)
          .isEqualTo(Summation.PLAIN);
    }
  }

  @Test
  void aPlainSumLosesWhatTheCompensatedOneKeeps() {
    // the case compensatedSumIsAsAccurateAsDouble covers: 1000 updates of 1e-4 after one of 1.0
    List<Update> ups = oneBigAndManySmall();
    double exact = (1.0 + 1000 * (double) 1e-4f) / 1001;
    float[] w = aggregate(EXT.strategy("fedavg:weighting=uniform,summation=plain"), zeros(1), ups);
    // about 1.7e-8 off: sixteen times the 1e-9 the compensated sum stays within, and still small
    assertThat(Math.abs(w[0] - exact)).isGreaterThan(5e-9).isLessThan(1e-6);
  }

  @Test
  void badParametersAreNamed() {
    assertThatThrownBy(() -> EXT.strategy("fedavgm:momentum=1.5")).hasMessageContaining("momentum");
    assertThatThrownBy(() -> EXT.strategy("fedadam:tau=0")).hasMessageContaining("tau");
    assertThatThrownBy(() -> EXT.strategy("fedavg:weighting=votes")).hasMessageContaining("votes");
    assertThatThrownBy(() -> EXT.strategy("clip:norm=-1")).hasMessageContaining("norm");
    assertThatThrownBy(() -> EXT.strategy("fedavg:fold-batch=0")).hasMessageContaining("fold-batch");
    assertThatThrownBy(() -> EXT.strategy("fedavg:summation=exact")).hasMessageContaining("summation")
        .hasMessageContaining("exact").hasMessageContaining("compensated, plain");
  }
}
