package io.flotilla.engine.select;

import io.flotilla.engine.spi.SelectionPolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Diversity-aware selection: picks a cohort whose combined label histogram is as close as possible to the
 * federation's overall label distribution, using only the label counts participants declared (never raw
 * data). A random pool of {@code pool × m} candidates is drawn, then the cohort is built greedily: each
 * step adds the pool member that minimises the L1 distance between the cohort's normalised histogram and
 * the target (ties keep draw order), in the spirit of label-coverage client selection such as Fed-CBS
 * (Zhang et al., "Fed-CBS: A Heterogeneity-Aware Client Sampling Mechanism for Federated Learning via
 * Class-Imbalance Reduction", ICML 2023). Participants without a histogram are used last. Deterministic
 * for a generator; stateless and thread-safe.
 */
public final class DiversitySelection implements SelectionPolicy {
  private final double pool;

  public DiversitySelection(double pool) {
    if (!(pool >= 1)) {
      throw new IllegalArgumentException("'diversity' parameter 'pool' must be >= 1, got " + pool);
    }
    this.pool = pool;
  }

  @Override
  public String name() {
    return "diversity";
  }

  @Override
  public List<String> select(List<Candidate> candidates, int count, SplittableRandom random) {
    int m = Math.min(count, candidates.size());
    int classes = 0;
    for (Candidate c : candidates) {
      classes = Math.max(classes, c.labelHistogram().length);
    }
    double[] target = new double[classes];
    for (Candidate c : candidates) {
      long[] h = c.labelHistogram();
      for (int i = 0; i < h.length; i++) {
        target[i] += h[i];
      }
    }
    normalise(target);
    List<Candidate> shuffled = new ArrayList<>(candidates);
    int poolSize = (int) Math.min(candidates.size(), Math.max(m, Math.ceil(pool * m)));
    Shuffle.front(shuffled, poolSize, random);
    List<Candidate> remaining = new ArrayList<>(shuffled.subList(0, poolSize));
    double[] cohort = new double[classes];
    List<String> out = new ArrayList<>(m);
    while (out.size() < m) {
      int best = -1;
      double bestDistance = Double.POSITIVE_INFINITY;
      for (int i = 0; i < remaining.size(); i++) {
        long[] h = remaining.get(i).labelHistogram();
        if (h.length == 0) {
          continue;
        }
        double dist = distanceWith(cohort, h, target);
        if (dist < bestDistance) {
          bestDistance = dist;
          best = i;
        }
      }
      if (best < 0) {
        best = 0; // only participants without histograms are left
      }
      Candidate c = remaining.remove(best);
      long[] h = c.labelHistogram();
      for (int i = 0; i < h.length; i++) {
        cohort[i] += h[i];
      }
      out.add(c.id());
    }
    return out;
  }

  private static double distanceWith(double[] cohort, long[] h, double[] target) {
    double total = 0;
    for (int i = 0; i < cohort.length; i++) {
      total += cohort[i] + (i < h.length ? h[i] : 0);
    }
    if (total <= 0) {
      return Double.POSITIVE_INFINITY;
    }
    double d = 0;
    for (int i = 0; i < cohort.length; i++) {
      d += Math.abs((cohort[i] + (i < h.length ? h[i] : 0)) / total - target[i]);
    }
    return d;
  }

  private static void normalise(double[] v) {
    double s = 0;
    for (double x : v) {
      s += x;
    }
    if (s > 0) {
      for (int i = 0; i < v.length; i++) {
        v[i] /= s;
      }
    }
  }
}
