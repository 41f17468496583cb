package io.flotilla.engine.aggregate;

import io.flotilla.engine.model.ModelState;
import java.util.Map;

/**
 * FedAvg with server momentum, FedAvgM (Hsu, Qi and Brown, "Measuring the Effects of Non-Identical Data
 * Distribution for Federated Visual Classification", 2019, §3): {@code v ← β·v + Δ},
 * {@code w ← w + η·v}, where Δ is the round's weighted mean delta. With β = 0 and η = 1 it is FedAvg. The
 * momentum buffer {@code v} persists across rounds ({@link #state()}). Used from one thread at a time.
 */
public final class FedAvgM extends MeanFamilyStrategy {
  private final double momentum;
  private final double serverLr;
  private float[] velocity;

  public FedAvgM(FedAvg.Weighting weighting, int foldBatch, double momentum, double serverLr) {
    super(weighting, foldBatch);
    this.momentum = momentum;
    this.serverLr = serverLr;
  }

  @Override
  public String name() {
    return "fedavgm";
  }

  @Override
  protected Map<String, String> extraParameters() {
    return Map.of("momentum", Double.toString(momentum), "server-lr", Double.toString(serverLr));
  }

  @Override
  public float[] serverStep(ModelState global, float[] delta) {
    if (velocity == null || velocity.length != delta.length) {
      velocity = new float[delta.length];
    }
    float b = (float) momentum;
    float lr = (float) serverLr;
    for (int i = 0; i < delta.length; i++) {
      float v = b * velocity[i] + delta[i];
      velocity[i] = v;
      delta[i] = global.get(i) + lr * v;
    }
    return delta;
  }

  @Override
  public Map<String, float[]> state() {
    return velocity == null ? Map.of() : Map.of("velocity", velocity.clone());
  }

  @Override
  public void restore(Map<String, float[]> state) {
    StrategyState.requireKeys(name(), state, "velocity");
    float[] v = state.get("velocity");
    velocity = v == null ? null : v.clone();
  }
}
