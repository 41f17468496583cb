package io.flotilla.engine.spi;

import io.flotilla.engine.model.ModelState;
import java.util.Map;

/**
 * Evaluates a candidate global model before it is committed (held-out data in the simulator, a validation
 * set at the coordinator, or nothing). Called on a worker thread, never the coordinator's; must be
 * thread-safe if shared.
 */
@FunctionalInterface
public interface ModelEvaluator {
  /** Metric name → value, e.g. {@code test_accuracy}, {@code test_loss}, {@code train_loss}. */
  Map<String, Double> evaluate(ModelState model);

  ModelEvaluator NONE = m -> Map.of();
}
