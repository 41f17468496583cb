package io.flotilla.engine.select;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flotilla.engine.api.Extensions;
import io.flotilla.engine.api.Health;
import io.flotilla.engine.spi.SelectionPolicy;
import io.flotilla.engine.spi.SelectionPolicy.Candidate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SelectionPoliciesTest {
  static final Extensions EXT = Extensions.load();

  static Candidate c(String id, long samples, long[] hist, long selected, double loss, Health h) {
    return new Candidate(id, "test", samples, hist, selected, 0, loss, h, 1.0);
  }

  static List<Candidate> population(int n) {
    List<Candidate> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(c(String.format("p%02d", i), 10 + i, new long[] {i % 2 == 0 ? 10 : 0, i % 2 == 1 ? 10 : 0}, 0,
          i, null));
    }
    return out;
  }

  @Test
  void everyPolicyIsDeterministicUnderASeedAndPicksDistinctCandidates() {
    for (String spec : List.of("uniform", "power-of-choice", "diversity", "energy-aware", "fair-quota:max-share=1")) {
      List<String> a = EXT.selection(spec).select(population(20), 5, new SplittableRandom(9));
      List<String> b = EXT.selection(spec).select(population(20), 5, new SplittableRandom(9));
      List<String> c = EXT.selection(spec).select(population(20), 5, new SplittableRandom(10));
      assertThat(a).as(spec).hasSize(5).doesNotHaveDuplicates().isEqualTo(b);
      if (!spec.equals("power-of-choice")) {
        assertThat(c).as(spec).isNotEqualTo(a);
      }
    }
  }

  @Test
  void powerOfChoicePrefersHighLossAndTriesUnknownsFirst() {
    List<Candidate> pop = population(10); // loss = index
    List<String> all = new PowerOfChoiceSelection(10).select(pop, 3, new SplittableRandom(1));
    assertThat(all).containsExactly("p09", "p08", "p07"); // d = N: the m highest losses overall
    List<Candidate> withNew = new ArrayList<>(pop);
    withNew.set(2, c("p02", 12, new long[0], 0, Double.NaN, null));
    assertThat(new PowerOfChoiceSelection(10).select(withNew, 2, new SplittableRandom(1))).startsWith("p02");
    // with d = 2m the choice is among a random candidate set: always the higher loss of the set
    List<String> two = new PowerOfChoiceSelection(0).select(pop, 1, new SplittableRandom(3));
    assertThat(two).hasSize(1);
  }

  @Test
  void diversityMatchesTheLabelDistribution() {
    // 8 participants hold only label 0, 2 only label 1 (80/20): a cohort of 5 should be 4 + 1, which a
    // uniform draw often misses
    List<Candidate> pop = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      pop.add(c("p" + i, 10, i < 8 ? new long[] {10, 0} : new long[] {0, 10}, 0, 0, null));
    }
    int uniformMisses = 0;
    for (long seed = 0; seed < 20; seed++) {
      List<String> chosen = new DiversitySelection(2).select(pop, 5, new SplittableRandom(seed));
      assertThat(chosen.stream().filter(id -> id.equals("p8") || id.equals("p9")).count()).as("seed " + seed)
          .isEqualTo(1);
      long minority = new UniformRandomSelection().select(pop, 5, new SplittableRandom(seed)).stream()
          .filter(id -> id.equals("p8") || id.equals("p9")).count();
      if (minority != 1) {
        uniformMisses++;
      }
    }
    assertThat(uniformMisses).isPositive();
  }

  @Test
  void energyAwareSkipsLowBatteryAndBusyDevices() {
    List<Candidate> pop = List.of(
        c("low", 10, new long[0], 0, 0, new Health(0.05, false, 0.1, -1)),
        c("lowCharging", 10, new long[0], 0, 0, new Health(0.05, true, 0.1, -1)),
        c("busy", 10, new long[0], 0, 0, new Health(0.9, false, 0.95, -1)),
        c("mains", 10, new long[0], 0, 0, Health.mains(0.2)),
        c("unknown", 10, new long[0], 0, 0, null));
    List<String> chosen = EXT.selection("energy-aware:min-battery=0.2,max-load=0.8")
        .select(pop, 5, new SplittableRandom(1));
    assertThat(chosen).containsExactlyInAnyOrder("lowCharging", "mains", "unknown");
    assertThatThrownBy(() -> EXT.selection("energy-aware:min-battery=2")).hasMessageContaining("min-battery");
  }

  @Test
  void fairnessQuotaIsNeverExceeded() {
    SelectionPolicy p = EXT.selection("fair-quota:max-share=0.3");
    Map<String, Long> counts = new HashMap<>();
    List<Candidate> pop = population(10);
    for (int round = 1; round <= 30; round++) {
      List<Candidate> now = new ArrayList<>();
      for (Candidate x : pop) {
        now.add(c(x.id(), x.sampleCount(), x.labelHistogram(), counts.getOrDefault(x.id(), 0L), 0, null));
      }
      List<String> chosen = p.select(now, 3, new SplittableRandom(round));
      assertThat(new HashSet<>(chosen)).hasSize(chosen.size());
      for (String id : chosen) {
        counts.merge(id, 1L, Long::sum);
      }
      for (long n : counts.values()) {
        assertThat(n).as("round " + round).isLessThanOrEqualTo((long) Math.ceil(0.3 * round - 1e-9));
      }
    }
    assertThat(counts.values().stream().mapToLong(Long::longValue).sum()).isGreaterThan(80); // still ~3 a round
  }
}
