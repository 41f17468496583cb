package io.flotilla.engine.aggregate;

import io.flotilla.engine.api.Update;
import io.flotilla.engine.model.ModelState;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * FedAvg over norm-clipped updates: each delta is scaled by {@code min(1, C / ‖Δ_k‖)} before it is
 * averaged, which bounds the influence of any one participant (McMahan, Ramage, Talwar and Zhang,
 * "Learning Differentially Private Recurrent Language Models", ICLR 2018, Algorithm 1, without noise).
 * The bound is fixed, or adaptive: after each round {@code C ← C·exp(−η_C·(b − γ))} with {@code b} the
 * fraction of the round's updates whose norm was at most {@code C}, which tracks the γ-quantile of the
 * update norms (Andrew, Thakkar, McMahan and Ramaswamy, "Differentially Private Learning with Adaptive
 * Clipping", NeurIPS 2021, eq. 1, non-private form). The current bound persists across rounds
 * ({@link #state()}). Used from one thread at a time.
 */
public final class NormClipping extends MeanFamilyStrategy {
  private final double initialBound;
  private final boolean adaptive;
  private final double quantile;
  private final double clipLr;
  private double bound;

  public NormClipping(FedAvg.Weighting weighting, int foldBatch, double bound, boolean adaptive, double quantile,
      double clipLr) {
    super(weighting, foldBatch);
    this.initialBound = bound;
    this.bound = bound;
    this.adaptive = adaptive;
    this.quantile = quantile;
    this.clipLr = clipLr;
  }

  @Override
  public String name() {
    return "clip";
  }

  /** The clipping bound the next round will use. */
  public double bound() {
    return bound;
  }

  @Override
  protected Map<String, String> extraParameters() {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("norm", Double.toString(initialBound));
    p.put("adaptive", Boolean.toString(adaptive));
    if (adaptive) {
      p.put("quantile", Double.toString(quantile));
      p.put("clip-lr", Double.toString(clipLr));
    }
    return p;
  }

  @Override
  protected boolean needsNorm() {
    return true;
  }

  @Override
  protected double updateScale(Update u, double norm) {
    return norm > bound ? bound / norm : 1.0;
  }

  @Override
  protected void roundFolded(double[] norms, int count) {
    if (!adaptive || count == 0) {
      return;
    }
    int below = 0;
    for (int k = 0; k < count; k++) {
      if (norms[k] <= bound) {
        below++;
      }
    }
    double b = (double) below / count;
    bound = bound * Math.exp(-clipLr * (b - quantile));
  }

  @Override
  protected boolean serverStepAddsDelta() {
    return true;
  }

  @Override
  public float[] serverStep(ModelState global, float[] delta) {
    for (int i = 0; i < delta.length; i++) {
      delta[i] = global.get(i) + delta[i];
    }
    return delta;
  }

  @Override
  public Map<String, float[]> state() {
    return Map.of("clip_norm", new float[] {(float) bound});
  }

  @Override
  public void restore(Map<String, float[]> state) {
    StrategyState.requireKeys(name(), state, "clip_norm");
    float[] b = state.get("clip_norm");
    if (b != null) {
      if (b.length != 1 || !(b[0] > 0)) {
        throw new IllegalArgumentException("strategy 'clip': state 'clip_norm' must be one positive value");
      }
      bound = b[0];
    }
  }
}
