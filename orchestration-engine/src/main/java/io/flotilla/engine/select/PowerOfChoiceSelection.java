package io.flotilla.engine.select;

import io.flotilla.engine.spi.SelectionPolicy;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Power-of-choice selection (Cho, Wang and Joshi, "Client Selection in Federated Learning: Convergence
 * Analysis and Power-of-Choice Selection Strategies", 2020, Algorithm 1): draw a candidate set of {@code d}
 * participants without replacement with probability proportional to their sample counts, then keep the
 * {@code m} with the highest local loss. The loss is the one each participant reported with its last
 * accepted update (the paper's communication-free variant, "rpow-d"); a participant never heard from
 * counts as highest, so everyone is tried once. Ties keep draw order. Deterministic for a generator;
 * stateless and thread-safe.
 */
public final class PowerOfChoiceSelection implements SelectionPolicy {
  private final int d;

  /** @param d size of the candidate set; 0 means twice the number selected */
  public PowerOfChoiceSelection(int d) {
    if (d < 0) {
      throw new IllegalArgumentException("'power-of-choice' parameter 'd' must be >= 0, got " + d);
    }
    this.d = d;
  }

  @Override
  public String name() {
    return "power-of-choice";
  }

  @Override
  public List<String> select(List<Candidate> candidates, int count, SplittableRandom random) {
    int m = Math.min(count, candidates.size());
    int size = Math.min(candidates.size(), Math.max(m, d == 0 ? 2 * m : d));
    List<Candidate> pool = new ArrayList<>(candidates);
    List<Candidate> drawn = new ArrayList<>(size);
    for (int t = 0; t < size; t++) {
      double total = 0;
      for (Candidate c : pool) {
        total += Math.max(1, c.sampleCount());
      }
      double u = random.nextDouble() * total;
      int pick = pool.size() - 1;
      double acc = 0;
      for (int i = 0; i < pool.size(); i++) {
        acc += Math.max(1, pool.get(i).sampleCount());
        if (u < acc) {
          pick = i;
          break;
        }
      }
      drawn.add(pool.remove(pick));
    }
    List<Candidate> ranked = new ArrayList<>(drawn);
    ranked.sort(Comparator.comparingDouble(PowerOfChoiceSelection::priority).reversed());
    List<String> out = new ArrayList<>(m);
    for (int i = 0; i < m; i++) {
      out.add(ranked.get(i).id());
    }
    return out;
  }

  private static double priority(Candidate c) {
    return Double.isNaN(c.recentLoss()) ? Double.POSITIVE_INFINITY : c.recentLoss();
  }
}
