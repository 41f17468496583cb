package io.flotilla.engine.api;

import java.util.List;

/**
 * A consistent, immutable picture of the federation taken on the coordinator thread.
 *
 * @param currentRound the round in progress or last finished (0 before the first)
 * @param currentPhase its phase, or null before the first round
 */
public record FederationSnapshot(
    String name,
    FederationState state,
    long currentRound,
    RoundPhase currentPhase,
    long modelVersion,
    String modelSha256,
    long committedRounds,
    List<ParticipantSnapshot> participants) {

  public FederationSnapshot {
    participants = List.copyOf(participants);
  }

  /**
   * One participant as the coordinator sees it.
   *
   * @param trust trust score in [0, 1], lowered by updates rejected as suspicious
   * @param strikes updates rejected as suspicious so far
   */
  public record ParticipantSnapshot(
      String id, String deviceClass, String state, long roundsSelected, long updatesAccepted, long failures,
      double trust, int strikes) {}
}
