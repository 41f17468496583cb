package io.flotilla.engine.aggregate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flotilla.engine.api.Extensions;
import io.flotilla.engine.api.Provenance;
import io.flotilla.engine.api.Update;
import io.flotilla.engine.model.ModelState;
import io.flotilla.engine.model.ParameterLayout;
import io.flotilla.engine.model.TensorSpec;
import io.flotilla.engine.spi.AggregationStrategy;
import io.flotilla.engine.spi.RoundAggregator;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FedAvgTest {
  static final ParameterLayout LAYOUT = ParameterLayout.of(new TensorSpec("w", 3));

  static Update update(String id, long samples, float... delta) {
    return new Update(id, 1, 0, 0, delta, samples, 1, 1, Map.of(), new Provenance("test", 0, samples, null));
  }

  @Test
  void sampleWeightedMeanMatchesHandComputation() {
    ModelState global = ModelState.of(LAYOUT, new float[] {1f, 2f, 3f}, 0);
    RoundAggregator agg = new FedAvg(FedAvg.Weighting.SAMPLES).begin(global);
    agg.accept(update("a", 10, 1f, 0f, -1f));
    agg.accept(update("b", 30, 5f, 4f, 3f));
    // weights 10/40 and 30/40: mean delta = (0.25*1+0.75*5, 0.75*4, -0.25+2.25) = (4, 3, 2)
    assertThat(agg.aggregate()).get().satisfies(p -> assertThat(p).containsExactly(5f, 5f, 5f));
    assertThat(agg.count()).isEqualTo(2);
  }

  @Test
  void uniformWeightingIgnoresSampleCounts() {
    ModelState global = ModelState.of(LAYOUT, new float[] {0f, 0f, 0f}, 0);
    RoundAggregator agg = Extensions.load().strategy("fedavg:weighting=uniform").begin(global);
    agg.accept(update("a", 1, 2f, 2f, 2f));
    agg.accept(update("b", 1000, 4f, 0f, -2f));
    assertThat(agg.aggregate()).get().satisfies(p -> assertThat(p).containsExactly(3f, 1f, 0f));
  }

  @Test
  void singleUpdateIsAppliedAsIs() {
    ModelState global = ModelState.of(LAYOUT, new float[] {1f, 1f, 1f}, 0);
    RoundAggregator agg = new FedAvg(FedAvg.Weighting.SAMPLES).begin(global);
    agg.accept(update("a", 7, 0.5f, -0.5f, 0.25f));
    assertThat(agg.aggregate()).get().satisfies(p -> assertThat(p).containsExactly(1.5f, 0.5f, 1.25f));
  }

  @Test
  void noUpdatesKeepsTheModel() {
    ModelState global = ModelState.of(LAYOUT, new float[] {1f, 1f, 1f}, 0);
    assertThat(new FedAvg(FedAvg.Weighting.SAMPLES).begin(global).aggregate()).isEmpty();
  }

  @Test
  void orderOfUpdatesDoesNotChangeTheResultBeyondRounding() {
    Random r = new Random(3);
    ParameterLayout layout = ParameterLayout.of(new TensorSpec("w", 100));
    ModelState global = ModelState.of(layout, new float[100], 0);
    List<Update> ups = new ArrayList<>();
    for (int k = 0; k < 20; k++) {
      float[] d = new float[100];
      for (int i = 0; i < d.length; i++) {
        d[i] = (float) r.nextGaussian();
      }
      ups.add(update("p" + k, 1 + r.nextInt(100), d));
    }
    AggregationStrategy s = new FedAvg(FedAvg.Weighting.SAMPLES);
    RoundAggregator a1 = s.begin(global);
    ups.forEach(a1::accept);
    Collections.shuffle(ups, r);
    RoundAggregator a2 = s.begin(global);
    ups.forEach(a2::accept);
    float[] p1 = a1.aggregate().orElseThrow();
    float[] p2 = a2.aggregate().orElseThrow();
    for (int i = 0; i < p1.length; i++) {
      assertThat(p2[i]).isCloseTo(p1[i], org.assertj.core.data.Offset.offset(1e-5f));
    }
  }

  @Test
  void wrongShapeIsRefusedByName() {
    ModelState global = ModelState.of(LAYOUT, new float[3], 0);
    RoundAggregator agg = new FedAvg(FedAvg.Weighting.SAMPLES).begin(global);
    assertThatThrownBy(() -> agg.accept(update("bad", 1, 1f))).hasMessageContaining("bad").hasMessageContaining("3");
  }

  @Test
  void unknownStrategyAndParameterAreNamed() {
    Extensions ext = Extensions.load();
    assertThatThrownBy(() -> ext.strategy("no-such-strategy")).hasMessageContaining("no-such-strategy")
        .hasMessageContaining("fedavg");
    assertThatThrownBy(() -> ext.strategy("fedavg:beta=1")).hasMessageContaining("beta");
    assertThatThrownBy(() -> ext.strategy("fedavg:weighting=median")).hasMessageContaining("median");
  }
}
