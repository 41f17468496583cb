package io.flotilla.engine.api;

import io.flotilla.engine.model.ModelState;
import java.time.Instant;
import java.util.Map;

/**
 * The instructions broadcast to a selected participant for one round: the global model to start from, the
 * local training configuration, the deadline and the nonce the answer must carry. {@code calibration} tasks
 * ask for evaluation or statistics only. Immutable.
 *
 * @param config strategy- and federation-level instructions (for example {@code mu} for FedProx)
 */
public record TrainingTask(
    long roundId,
    ModelState model,
    int localEpochs,
    int batchSize,
    float learningRate,
    Map<String, Double> config,
    Instant deadline,
    long nonce) {

  public TrainingTask {
    config = config == null ? Map.of() : Map.copyOf(config);
  }

  public long baseVersion() {
    return model.version();
  }

  public double configValue(String key, double fallback) {
    Double v = config.get(key);
    return v == null ? fallback : v;
  }
}
