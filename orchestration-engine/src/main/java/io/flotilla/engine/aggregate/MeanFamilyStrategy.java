package io.flotilla.engine.aggregate;

import io.flotilla.engine.api.Update;
import io.flotilla.engine.model.ModelState;
import io.flotilla.engine.spi.AggregationStrategy;
import io.flotilla.engine.spi.RoundAggregator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Base of the streaming mean family (FedAvg, FedAvgM, FedProx, FedAdagrad/FedAdam/FedYogi, norm clipping):
 * each accepted update is optionally rescaled ({@link #updateScale}, e.g. clipped), weighted
 * ({@link FedAvg.Weighting}) and folded into a {@link MeanAccumulator} as it arrives; at the end of the
 * round the weighted mean delta {@code Δ} goes through the strategy's server step
 * ({@link #serverStep}). Memory per round: two model-sized float arrays, whatever the number of updates;
 * the compensation array is kept between rounds and reused (one model's size held by the strategy), so a
 * round allocates only the array that becomes its result.
 *
 * <p>The split into "mean delta" and "server step" lets central differential privacy replace the mean by
 * a clipped, noised one and keep the strategy's server optimizer (see {@code io.flotilla.engine.privacy}).
 * Subclasses hold cross-round state and are used from one thread at a time.
 */
public abstract class MeanFamilyStrategy implements AggregationStrategy {
  private final FedAvg.Weighting weighting;
  private final int foldBatch;
  /** Set once by the provider, right after construction (compensated unless the spec says otherwise). */
  private Summation summation = Summation.COMPENSATED;
  /** The last finished round's compensation array, taken by the next round (null while a round holds it). */
  private final AtomicReference<float[]> spareComp = new AtomicReference<>();

  protected MeanFamilyStrategy(FedAvg.Weighting weighting, int foldBatch) {
    this.weighting = weighting;
    this.foldBatch = foldBatch;
  }

  public FedAvg.Weighting weighting() {
    return weighting;
  }

  /** Updates held before they are folded together (1 = fold each at once). */
  public int foldBatch() {
    return foldBatch;
  }

  /** How the weighted updates are added ({@code summation}): compensated (default) or plain. */
  public Summation summation() {
    return summation;
  }

  /**
   * Sets the summation and returns this strategy; for the providers, before the strategy's first round.
   */
  final MeanFamilyStrategy summation(Summation s) {
    this.summation = java.util.Objects.requireNonNull(s, "summation");
    return this;
  }

  @Override
  public Map<String, String> parameters() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("weighting", weighting.label());
    if (foldBatch != 1) {
      m.put("fold-batch", Integer.toString(foldBatch));
    }
    if (summation != Summation.COMPENSATED) {
      m.put("summation", summation.label());
    }
    m.putAll(extraParameters());
    return m;
  }

  /** Strategy-specific parameters for {@link #parameters()}. */
  protected Map<String, String> extraParameters() {
    return Map.of();
  }

  /** Whether {@link #updateScale} needs each update's norm (computing it costs one extra read). */
  protected boolean needsNorm() {
    return false;
  }

  /** Factor applied to an update's delta before it is weighted and folded (clipping); 1 by default. */
  protected double updateScale(Update u, double norm) {
    return 1.0;
  }

  /** Called once per round after the last update was folded, with the norms seen (adaptive clipping). */
  protected void roundFolded(double[] norms, int count) {}

  /**
   * Turns the round's mean delta into new global parameters. {@code delta} is owned by the callee and may
   * be overwritten and returned as the result.
   *
   * @param global the round's base parameters (read only)
   * @param delta the aggregate update Δ (weighted mean of deltas, or its privatised version)
   * @return the new parameters (may be {@code delta} itself)
   */
  public abstract float[] serverStep(ModelState global, float[] delta);

  /**
   * Whether {@link #serverStep} is exactly {@code global[i] + delta[i]} in float (FedAvg, FedProx, norm
   * clipping): the round then adds the global model while it finishes the mean, in the same pass, instead
   * of writing the mean and reading it back (same bits, one pass over the model fewer).
   */
  protected boolean serverStepAddsDelta() {
    return false;
  }

  @Override
  public RoundAggregator begin(ModelState global) {
    return new Aggregator(global);
  }

  static double norm(float[] d) {
    double s = 0;
    for (float v : d) {
      s += (double) v * v;
    }
    return Math.sqrt(s);
  }

  private final class Aggregator implements RoundAggregator {
    private final ModelState global;
    private final MeanAccumulator acc;
    private double[] norms = new double[8];
    private boolean done;

    Aggregator(ModelState global) {
      this.global = global;
      this.acc = new MeanAccumulator(global.size(), foldBatch, Segments.defaultThreads(), spareComp.getAndSet(null),
          true, summation);
    }

    /** Hands the compensation array back to the strategy for the next round (once; later calls do nothing). */
    private void recycle() {
      float[] c = acc.releaseCompensation();
      if (c != null) {
        spareComp.set(c);
      }
    }

    @Override
    public void close() {
      done = true;
      recycle();
    }

    @Override
    public void accept(Update u) {
      accept(u, 1.0);
    }

    @Override
    public void accept(Update u, double trust) {
      if (done) {
        throw new IllegalStateException("round already aggregated");
      }
      float[] d = u.delta();
      if (d.length != acc.size()) {
        throw new IllegalArgumentException("update from " + u.participantId() + " has " + d.length
            + " parameters, model has " + acc.size());
      }
      double scale = 1.0;
      if (needsNorm()) {
        double n = norm(d);
        int k = acc.count();
        if (k == norms.length) {
          norms = java.util.Arrays.copyOf(norms, k * 2);
        }
        norms[k] = n;
        scale = updateScale(u, n);
      }
      double w = weighting.weight(u, trust);
      acc.add(d, w * scale, w);
    }

    @Override
    public int count() {
      return acc.count();
    }

    @Override
    public Optional<float[]> aggregate() {
      if (done) {
        throw new IllegalStateException("round already aggregated");
      }
      done = true;
      if (needsNorm()) {
        roundFolded(norms, acc.count());
      }
      boolean fused = serverStepAddsDelta();
      float[] result = fused ? acc.meanPlus(global) : acc.mean();
      recycle();
      if (result == null) {
        return Optional.empty();
      }
      return Optional.of(fused ? result : serverStep(global, result));
    }
  }
}
