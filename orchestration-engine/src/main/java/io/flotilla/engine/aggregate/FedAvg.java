package io.flotilla.engine.aggregate;

import io.flotilla.engine.api.Update;
import io.flotilla.engine.model.ModelState;
import java.util.Locale;

/**
 * Federated Averaging (McMahan et al., "Communication-Efficient Learning of Deep Networks from
 * Decentralized Data", AISTATS 2017, Algorithm 1): {@code w ← w + Σ_k (n_k / n) Δ_k}, weights {@code n_k}
 * the participants' sample counts, 1 each when unweighted, or a trust or data-quality score. Streams (two
 * model-sized arrays per round, see {@link MeanAccumulator}). Stragglers' partial work is dropped, as in
 * the FedProx paper's FedAvg baseline. Stateless across rounds; thread-confined per round.
 */
public final class FedAvg extends MeanFamilyStrategy {
  /** How each update is weighted in the mean family. */
  public enum Weighting {
    /** {@code n_k}, the sample count (McMahan et al. 2017). */
    SAMPLES,
    /** 1 each. */
    UNIFORM,
    /** The sender's trust score in [0, 1] (falls when its updates look suspicious). */
    TRUST,
    /** The {@code data_quality} metric the participant reports with its update (1 when absent). */
    QUALITY;

    /** Name as written in {@code weighting=...}. */
    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }

    public double weight(Update u, double trust) {
      return switch (this) {
        case SAMPLES -> u.sampleCount();
        case UNIFORM -> 1.0;
        case TRUST -> Math.max(0, Math.min(1, trust));
        case QUALITY -> {
          Double q = u.metrics().get("data_quality");
          yield q == null || !Double.isFinite(q) ? 1.0 : Math.max(0, q);
        }
      };
    }

    /** Parses a {@code weighting} parameter value, naming the strategy in the error. */
    public static Weighting parse(String owner, String text) {
      for (Weighting w : values()) {
        if (w.label().equals(text)) {
          return w;
        }
      }
      throw new IllegalArgumentException("'" + owner + "' parameter 'weighting' must be samples, uniform, trust "
          + "or quality, got '" + text + "'");
    }
  }

  public FedAvg(Weighting weighting) {
    this(weighting, 1);
  }

  public FedAvg(Weighting weighting, int foldBatch) {
    super(weighting, foldBatch);
  }

  @Override
  public String name() {
    return "fedavg";
  }

  @Override
  protected boolean serverStepAddsDelta() {
    return true;
  }

  @Override
  public float[] serverStep(ModelState global, float[] delta) {
    Segments.Task step = (index, from, to) -> {
      for (int i = from; i < to; i++) {
        delta[i] = global.get(i) + delta[i];
      }
    };
    int threads = delta.length >= MeanAccumulator.PARALLEL_MIN ? Segments.defaultThreads() : 1;
    if (threads == 1) {
      step.run(0, 0, delta.length);
    } else {
      Segments.run(delta.length, 8 * threads, 4096, threads, step);
    }
    return delta;
  }
}
