package io.flotilla.engine.store;

import java.util.Map;

/**
 * A row of {@code learning_alarms}: a divergence or drift alarm, or a stopping rule's decision. Immutable.
 *
 * @param kind {@code DIVERGENCE}, {@code DRIFT} or {@code STOP}
 * @param participantId null for the whole federation
 * @param reaction what the coordinator changed in response, or null
 */
public record LearningAlarm(long roundId, String kind, String participantId, String indicator, String detail,
    Map<String, Double> values, String reaction) {
  public LearningAlarm {
    values = values == null ? Map.of() : Map.copyOf(values);
  }
}
