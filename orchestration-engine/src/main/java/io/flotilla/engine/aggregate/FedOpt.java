package io.flotilla.engine.aggregate;

import io.flotilla.engine.model.ModelState;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Adaptive server optimizers FedAdagrad, FedAdam and FedYogi (Reddi, Charles, Zaheer, Garrett, Rush,
 * Konečný, Kumar and McMahan, "Adaptive Federated Optimization", ICLR 2021, Algorithm 2). With Δ the
 * round's weighted mean delta (the pseudo-gradient, negated):
 *
 * <pre>
 *   m ← β1·m + (1 − β1)·Δ
 *   Adagrad: v ← v + Δ²
 *   Adam:    v ← β2·v + (1 − β2)·Δ²
 *   Yogi:    v ← v − (1 − β2)·Δ²·sign(v − Δ²)
 *   w ← w + η·m / (√v + τ)
 * </pre>
 *
 * starting from {@code m = 0} and {@code v = τ²} (the paper's {@code v_{-1} ≥ τ²}), without bias
 * correction, as in the paper. The moments persist across rounds ({@link #state()}). Used from one thread
 * at a time.
 */
public final class FedOpt extends MeanFamilyStrategy {
  /** Which second-moment rule. */
  public enum Variant {
    ADAGRAD("fedadagrad"), ADAM("fedadam"), YOGI("fedyogi");

    private final String strategyName;

    Variant(String strategyName) {
      this.strategyName = strategyName;
    }

    public String strategyName() {
      return strategyName;
    }
  }

  private final Variant variant;
  private final double eta;
  private final double beta1;
  private final double beta2;
  private final double tau;
  private float[] m;
  private float[] v;

  public FedOpt(Variant variant, FedAvg.Weighting weighting, int foldBatch, double eta, double beta1, double beta2,
      double tau) {
    super(weighting, foldBatch);
    this.variant = variant;
    this.eta = eta;
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.tau = tau;
  }

  @Override
  public String name() {
    return variant.strategyName();
  }

  @Override
  protected Map<String, String> extraParameters() {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("eta", Double.toString(eta));
    p.put("beta1", Double.toString(beta1));
    if (variant != Variant.ADAGRAD) {
      p.put("beta2", Double.toString(beta2));
    }
    p.put("tau", Double.toString(tau));
    return p;
  }

  @Override
  public float[] serverStep(ModelState global, float[] delta) {
    int n = delta.length;
    if (m == null || m.length != n) {
      m = new float[n];
      v = new float[n];
      java.util.Arrays.fill(v, (float) (tau * tau));
    }
    double b1 = beta1;
    double b2 = beta2;
    for (int i = 0; i < n; i++) {
      double d = delta[i];
      double mi = b1 * m[i] + (1 - b1) * d;
      double d2 = d * d;
      double vi = v[i];
      vi = switch (variant) {
        case ADAGRAD -> vi + d2;
        case ADAM -> b2 * vi + (1 - b2) * d2;
        case YOGI -> vi - (1 - b2) * d2 * Math.signum(vi - d2);
      };
      m[i] = (float) mi;
      v[i] = (float) vi;
      delta[i] = (float) (global.get(i) + eta * mi / (Math.sqrt(vi) + tau));
    }
    return delta;
  }

  @Override
  public Map<String, float[]> state() {
    return m == null ? Map.of() : Map.of("m", m.clone(), "v", v.clone());
  }

  @Override
  public void restore(Map<String, float[]> state) {
    StrategyState.requireKeys(name(), state, "m", "v");
    if (state.containsKey("m") != state.containsKey("v")) {
      throw new IllegalArgumentException("strategy '" + name() + "' needs both 'm' and 'v' to restore");
    }
    m = state.containsKey("m") ? state.get("m").clone() : null;
    v = state.containsKey("v") ? state.get("v").clone() : null;
  }
}
