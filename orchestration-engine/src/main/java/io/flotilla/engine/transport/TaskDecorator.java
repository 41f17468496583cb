package io.flotilla.engine.transport;

import io.flotilla.engine.api.TrainingTask;
import java.util.Map;

/**
 * Adds per-participant entries to a training instruction's configuration before it is sent (for example
 * the simulator's straggler marks). Called on the coordinator thread: must return at once. Thread-safe.
 */
@FunctionalInterface
public interface TaskDecorator {
  TaskDecorator NONE = (participantId, task) -> Map.of();

  Map<String, Double> extraConfig(String participantId, TrainingTask task);
}
