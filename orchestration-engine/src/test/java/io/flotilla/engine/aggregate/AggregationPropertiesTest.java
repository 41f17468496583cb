package io.flotilla.engine.aggregate;

import static io.flotilla.engine.aggregate.Updates.aggregate;
import static io.flotilla.engine.aggregate.Updates.update;
import static org.assertj.core.api.Assertions.assertThat;

import io.flotilla.engine.api.Extensions;
import io.flotilla.engine.api.Update;
import io.flotilla.engine.model.ModelState;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.FloatRange;
import net.jqwik.api.constraints.IntRange;

/**
 * Properties every strategy must have: the order of updates does not matter (exactly for the rank-based
 * rules, up to rounding for sums), equal updates come back unchanged, and weights sum to one.
 */
class AggregationPropertiesTest {
  static final Extensions EXT = Extensions.load();
  static final List<String> EXACT = List.of("median", "trimmed-mean:beta=0.2", "krum:f=1", "multi-krum:f=1,m=3");
  static final List<String> SUMS = List.of("fedavg", "fedavg:weighting=uniform", "fedprox:mu=0.1", "clip:norm=2",
      "qfedavg:q=1,lipschitz=10");

  static List<Update> updates(int k, int p, long seed) {
    Random r = new Random(seed);
    List<Update> ups = new ArrayList<>();
    for (int j = 0; j < k; j++) {
      float[] d = new float[p];
      for (int i = 0; i < p; i++) {
        d[i] = (float) r.nextGaussian();
      }
      ups.add(update("p" + j, 1 + r.nextInt(100), Map.of("initial_loss", 0.5 + r.nextDouble()), d));
    }
    return ups;
  }

  @Property(tries = 40)
  void orderOfUpdatesDoesNotMatter(@ForAll @IntRange(min = 5, max = 12) int k, @ForAll long seed) {
    List<Update> ups = updates(k, 17, seed);
    List<Update> shuffled = new ArrayList<>(ups);
    Collections.shuffle(shuffled, new Random(seed + 1));
    ModelState g = Updates.zeros(17);
    for (String s : EXACT) {
      assertThat(aggregate(EXT.strategy(s), g, shuffled)).as(s).containsExactly(aggregate(EXT.strategy(s), g, ups));
    }
    for (String s : SUMS) {
      float[] a = aggregate(EXT.strategy(s), g, ups);
      float[] b = aggregate(EXT.strategy(s), g, shuffled);
      for (int i = 0; i < a.length; i++) {
        assertThat(b[i]).as(s).isCloseTo(a[i], org.assertj.core.data.Offset.offset(1e-5f));
      }
    }
  }

  @Property(tries = 40)
  void equalUpdatesAreReturnedUnchanged(@ForAll @IntRange(min = 1, max = 9) int k,
      @ForAll @FloatRange(min = -5, max = 5) float value, @ForAll @FloatRange(min = -5, max = 5) float base) {
    List<Update> ups = new ArrayList<>();
    for (int j = 0; j < k; j++) {
      ups.add(update("p" + j, 1 + j * 7L, Map.of("initial_loss", 1.0), value, -value, 0f));
    }
    ModelState g = Updates.model(base, base, base);
    float[] expected = {base + value, base - value, base};
    List<String> all = new ArrayList<>(List.of("median", "trimmed-mean:beta=0.2", "fedavg", "fedavg:weighting=uniform",
        "fedprox:mu=1"));
    if (k >= 3) {
      all.add("multi-krum:f=0,m=1");
    }
    if (k >= 5) {
      all.add("krum:f=1");
    }
    for (String s : all) {
      float[] w = aggregate(EXT.strategy(s), g, ups);
      for (int i = 0; i < 3; i++) {
        assertThat(w[i]).as(s + " k=" + k).isCloseTo(expected[i], org.assertj.core.data.Offset.offset(1e-5f));
      }
    }
  }

  @Property(tries = 30)
  void weightsSumToOne(@ForAll @IntRange(min = 1, max = 20) int k, @ForAll long seed) {
    // a constant shift c added to every update moves the weighted mean by exactly c
    List<Update> ups = updates(k, 4, seed);
    List<Update> shifted = new ArrayList<>();
    for (Update u : ups) {
      float[] d = u.delta().clone();
      for (int i = 0; i < d.length; i++) {
        d[i] += 3f;
      }
      shifted.add(update(u.participantId(), u.sampleCount(), d));
    }
    for (String s : List.of("fedavg", "fedavg:weighting=uniform", "median", "trimmed-mean:beta=0.1")) {
      float[] a = aggregate(EXT.strategy(s), Updates.zeros(4), ups);
      float[] b = aggregate(EXT.strategy(s), Updates.zeros(4), shifted);
      for (int i = 0; i < 4; i++) {
        assertThat(b[i] - a[i]).as(s).isCloseTo(3f, org.assertj.core.data.Offset.offset(1e-4f));
      }
    }
  }
}
