package io.flotilla.engine.aggregate;

import io.flotilla.engine.api.Update;
import io.flotilla.engine.model.ModelState;
import io.flotilla.engine.spi.AggregationStrategy;
import io.flotilla.engine.spi.RoundAggregator;
import java.util.Map;
import java.util.Optional;

/**
 * Federated Averaging (McMahan et al., "Communication-Efficient Learning of Deep Networks from
 * Decentralized Data", AISTATS 2017, Algorithm 1): {@code w ← w + Σ_k (n_k / n) Δ_k}, weights {@code n_k}
 * the participants' sample counts, or 1 each when unweighted. Streams: keeps one double-precision running
 * sum, so memory is O(model) however many updates arrive. Stragglers' partial work is dropped, as in the
 * FedProx paper's FedAvg baseline. Stateless across rounds; thread-confined per round.
 */
public final class FedAvg implements AggregationStrategy {
  /** How each update is weighted. */
  public enum Weighting { SAMPLES, UNIFORM }

  private final Weighting weighting;

  public FedAvg(Weighting weighting) {
    this.weighting = weighting;
  }

  @Override
  public String name() {
    return "fedavg";
  }

  @Override
  public Map<String, String> parameters() {
    return Map.of("weighting", weighting.name().toLowerCase());
  }

  @Override
  public RoundAggregator begin(ModelState global) {
    return new Mean(global, weighting);
  }

  /** The streaming weighted mean shared by the mean family. */
  static final class Mean implements RoundAggregator {
    private final ModelState global;
    private final Weighting weighting;
    private final double[] sum;
    private double totalWeight;
    private int count;

    Mean(ModelState global, Weighting weighting) {
      this.global = global;
      this.weighting = weighting;
      this.sum = new double[global.size()];
    }

    @Override
    public void accept(Update u) {
      float[] d = u.delta();
      if (d.length != sum.length) {
        throw new IllegalArgumentException("update from " + u.participantId() + " has " + d.length
            + " parameters, model has " + sum.length);
      }
      double w = weighting == Weighting.SAMPLES ? u.sampleCount() : 1.0;
      for (int i = 0; i < d.length; i++) {
        sum[i] += w * d[i];
      }
      totalWeight += w;
      count++;
    }

    @Override
    public int count() {
      return count;
    }

    /** Mean delta, or null when nothing carried weight. */
    double[] meanDelta() {
      if (count == 0 || totalWeight <= 0) {
        return null;
      }
      double[] m = new double[sum.length];
      double inv = 1.0 / totalWeight;
      for (int i = 0; i < m.length; i++) {
        m[i] = sum[i] * inv;
      }
      return m;
    }

    @Override
    public Optional<float[]> aggregate() {
      if (count == 0 || totalWeight <= 0) {
        return Optional.empty();
      }
      float[] out = global.copyParameters();
      double inv = 1.0 / totalWeight;
      for (int i = 0; i < out.length; i++) {
        out[i] = (float) (out[i] + sum[i] * inv);
      }
      return Optional.of(out);
    }
  }
}
