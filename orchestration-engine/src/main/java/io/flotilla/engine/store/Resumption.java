package io.flotilla.engine.store;

import io.flotilla.engine.model.ModelState;
import java.util.List;
import java.util.Map;

/**
 * What a coordinator resumes from when it opens its federation in a store: the current model version, the
 * highest round id that committed or aborted (the next round takes the id after it), how many rounds
 * committed, the participant registry and the strategy's state. For a new federation it is the initial
 * model at version 0 with nothing else. The update screening's window and the current version's parent (to
 * recompute the last step's direction; null when there is none or it was purged) come along. Immutable.
 */
public record Resumption(
    boolean resumed,
    ModelState model,
    long lastRoundId,
    long committedRounds,
    List<ParticipantRow> participants,
    Map<String, float[]> strategyState,
    Map<String, List<Double>> screeningState,
    ModelState parentModel) {
  public Resumption {
    screeningState = screeningState == null ? Map.of() : Map.copyOf(screeningState);
    participants = List.copyOf(participants);
    strategyState = strategyState == null ? Map.of() : Map.copyOf(strategyState);
  }
}
