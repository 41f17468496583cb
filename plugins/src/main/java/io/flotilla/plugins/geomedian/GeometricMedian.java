package io.flotilla.plugins.geomedian;

import io.flotilla.engine.api.Update;
import io.flotilla.engine.model.ModelState;
import io.flotilla.engine.spi.AggregationStrategy;
import io.flotilla.engine.spi.RoundAggregator;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Robust aggregation by the weighted geometric median of the updates, computed with the smoothed Weiszfeld
 * algorithm of Pillutla, Kakade and Harchaoui, "Robust Aggregation for Federated Learning" (IEEE TSP 2022,
 * Algorithm 2): {@code z ← Σ β_k x_k / Σ β_k} with {@code β_k = α_k / max(ν, ‖z − x_k‖)}. Tolerates up to
 * half of the weight being arbitrary. Needs every update at once (memory O(K × model)). An example of a
 * plugin built against the engine's SPI only.
 */
public final class GeometricMedian implements AggregationStrategy {
  private final int maxIterations;
  private final double nu;
  private final double tolerance;

  public GeometricMedian(int maxIterations, double nu, double tolerance) {
    this.maxIterations = maxIterations;
    this.nu = nu;
    this.tolerance = tolerance;
  }

  @Override
  public String name() {
    return "geometric-median";
  }

  @Override
  public boolean needsAllUpdates() {
    return true;
  }

  @Override
  public Map<String, String> parameters() {
    return Map.of("iterations", Integer.toString(maxIterations), "nu", Double.toString(nu),
        "tolerance", Double.toString(tolerance));
  }

  @Override
  public RoundAggregator begin(ModelState global) {
    return new RoundAggregator() {
      private final List<float[]> deltas = new ArrayList<>();
      private final List<Double> weights = new ArrayList<>();

      @Override
      public void accept(Update u) {
        if (u.delta().length != global.size()) {
          throw new IllegalArgumentException("update from " + u.participantId() + " has " + u.delta().length
              + " parameters, model has " + global.size());
        }
        deltas.add(u.delta());
        weights.add((double) u.sampleCount());
      }

      @Override
      public int count() {
        return deltas.size();
      }

      @Override
      public Optional<float[]> aggregate() {
        if (deltas.isEmpty()) {
          return Optional.empty();
        }
        double[] z = median(deltas, weights, maxIterations, nu, tolerance);
        float[] out = global.copyParameters();
        for (int i = 0; i < out.length; i++) {
          out[i] = (float) (out[i] + z[i]);
        }
        return Optional.of(out);
      }
    };
  }

  /** Smoothed Weiszfeld iterations starting from the weighted mean. */
  static double[] median(List<float[]> xs, List<Double> alphas, int iterations, double nu, double tol) {
    int p = xs.get(0).length;
    double total = 0;
    for (double a : alphas) {
      total += a;
    }
    double[] z = new double[p];
    for (int k = 0; k < xs.size(); k++) {
      float[] x = xs.get(k);
      double w = alphas.get(k) / total;
      for (int i = 0; i < p; i++) {
        z[i] += w * x[i];
      }
    }
    for (int it = 0; it < iterations; it++) {
      double[] next = new double[p];
      double betaSum = 0;
      for (int k = 0; k < xs.size(); k++) {
        float[] x = xs.get(k);
        double d2 = 0;
        for (int i = 0; i < p; i++) {
          double d = z[i] - x[i];
          d2 += d * d;
        }
        double beta = alphas.get(k) / Math.max(nu, Math.sqrt(d2));
        betaSum += beta;
        for (int i = 0; i < p; i++) {
          next[i] += beta * x[i];
        }
      }
      double move = 0;
      for (int i = 0; i < p; i++) {
        next[i] /= betaSum;
        double d = next[i] - z[i];
        move += d * d;
      }
      z = next;
      if (Math.sqrt(move) < tol) {
        break;
      }
    }
    return z;
  }
}
