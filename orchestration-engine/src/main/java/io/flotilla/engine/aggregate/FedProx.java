package io.flotilla.engine.aggregate;

import io.flotilla.engine.model.ModelState;
import java.util.Map;

/**
 * FedProx (Li, Sahu, Zaheer, Sanjabi, Talwalkar and Smith, "Federated Optimization in Heterogeneous
 * Networks", MLSys 2020, Algorithm 2): participants minimise {@code F_k(w) + (μ/2)‖w − w^t‖²} locally
 * (eq. 2; {@code mu} is sent with every task through {@link #trainingConfig()}), and the server keeps the
 * partial work of stragglers instead of dropping it, averaging as FedAvg does. Stateless across rounds.
 */
public final class FedProx extends MeanFamilyStrategy {
  private final double mu;

  public FedProx(FedAvg.Weighting weighting, int foldBatch, double mu) {
    super(weighting, foldBatch);
    this.mu = mu;
  }

  @Override
  public String name() {
    return "fedprox";
  }

  public double mu() {
    return mu;
  }

  @Override
  public boolean acceptsPartialWork() {
    return true;
  }

  @Override
  public Map<String, Double> trainingConfig() {
    return Map.of("mu", mu);
  }

  @Override
  protected Map<String, String> extraParameters() {
    return Map.of("mu", Double.toString(mu));
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
}
