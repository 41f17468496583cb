package io.flotilla.engine.store;

import io.flotilla.engine.api.FederationConfig;
import io.flotilla.engine.model.ModelState;
import io.flotilla.engine.spi.AggregationStrategy;
import java.time.Instant;

/**
 * Durable state of federations, as the coordinator needs it: open (create or resume), commit a round
 * atomically, record aborts, participants and life-cycle changes, roll back. Every method either completes
 * or throws {@link StoreException} leaving the committed state as it was. Implementations are
 * thread-safe; the coordinator calls them from its own store thread, never from the loop.
 */
public interface FederationStore extends AutoCloseable {

  /**
   * Opens federation {@code config.name()}: creates it with {@code initialModel} as version 0, or resumes it
   * from its last committed round (recording configuration changes against the stored configuration).
   *
   * @throws StoreException when the stored federation has another layout than {@code initialModel}, or a
   *     blob does not verify
   */
  Resumption open(FederationConfig config, ModelState initialModel, AggregationStrategy strategy, Instant at);

  /**
   * Commits a round: the model blob is written and fsynced first, then one transaction records the round,
   * its participants and updates, the new version, metrics, strategy state and the audit entry. On return
   * the new version is durable; on a throw the previous version is still current.
   */
  void commitRound(RoundCommit commit);

  /** Records an aborted round (its id is not reused after a restart). */
  void recordAbort(RoundRecord round, String reason);

  /** Records a participant's (re)join; the first join of an id is audited. */
  void recordParticipant(String federation, ParticipantRow participant, Instant at);

  /** Audits a life-cycle change of the federation (started, paused, stopped, finished, failed). */
  void recordStateChange(String federation, String from, String to, String reason, Instant at);

  /**
   * Makes a new version holding the parameters (and strategy state) of {@code toVersion} the current one,
   * audited with actor and reason.
   *
   * @throws StoreException when the version does not exist, is current, was purged, or its blob is corrupt
   */
  RolledBack rollback(String federation, long toVersion, String actor, String reason, Instant at);

  @Override
  void close();

  // ---- learning control (issue 7)

  /**
   * Records an operator's (or, for a consent withdrawal, the participant's) change of a participant's standing:
   * the participant row with its new state and an audit entry with actor, action and reason, in one
   * transaction.
   */
  void recordParticipantStateChange(String federation, ParticipantRow participant, String action, String from,
      String actor, String reason, Instant at);

  /**
   * Records runtime tuning: one {@code config_changes} row per changed setting and one audit entry, in one
   * transaction.
   */
  void recordTuning(String federation, java.util.Map<String, String> oldValues,
      java.util.Map<String, String> newValues, long effectiveFromRound, String actor, String reason, Instant at);

  /** Records a learning alarm or stopping decision (table {@code learning_alarms}) and audits it. */
  void recordLearningAlarm(String federation, LearningAlarm alarm, Instant at);

  /** Records a calibration round's result and audits it; makes no model version. */
  void recordCalibration(String federation, io.flotilla.engine.api.Calibration calibration, String actor,
      String reason, Instant at);
}
