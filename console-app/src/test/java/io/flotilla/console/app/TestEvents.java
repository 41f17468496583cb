package io.flotilla.console.app;

import io.flotilla.engine.api.FederationEvent;
import io.flotilla.engine.api.FederationEvent.ModelRolledBack;
import io.flotilla.engine.api.FederationEvent.ParticipantFailed;
import io.flotilla.engine.api.FederationEvent.ParticipantJoined;
import io.flotilla.engine.api.FederationEvent.ParticipantSuspended;
import io.flotilla.engine.api.FederationEvent.RoundAborted;
import io.flotilla.engine.api.FederationEvent.RoundCommitted;
import io.flotilla.engine.api.FederationEvent.RoundPhaseChanged;
import io.flotilla.engine.api.FederationEvent.RoundStarted;
import io.flotilla.engine.api.FederationEvent.StateChanged;
import io.flotilla.engine.api.FederationEvent.UpdateAccepted;
import io.flotilla.engine.api.FederationEvent.UpdateRejected;
import io.flotilla.engine.api.FederationState;
import io.flotilla.engine.api.RejectReason;
import io.flotilla.engine.api.RoundPhase;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Engine events as the coordinator publishes them, with gap-free sequence numbers and chosen times. */
public final class TestEvents {
  public static final Instant T0 = Instant.parse("2025-01-01T10:00:00Z");

  private long seq;

  public Instant at(long millis) {
    return T0.plusMillis(millis);
  }

  public long lastSeq() {
    return seq;
  }

  public ParticipantJoined joined(String id, String device, long samples, long ms) {
    return new ParticipantJoined(++seq, at(ms), id, device, samples);
  }

  public StateChanged state(FederationState from, FederationState to, String reason, long ms) {
    return new StateChanged(++seq, at(ms), from, to, reason);
  }

  public RoundStarted started(long round, long ms, long deadlineMs, String... cohort) {
    return new RoundStarted(++seq, at(ms), round, round - 1, List.of(cohort), at(deadlineMs));
  }

  public RoundPhaseChanged phase(long round, RoundPhase from, RoundPhase to, long ms) {
    return new RoundPhaseChanged(++seq, at(ms), round, from, to);
  }

  public UpdateAccepted accepted(long round, String pid, long ms, double trainLoss) {
    return new UpdateAccepted(++seq, at(ms), round, pid, 100, false, 20, Map.of("train_loss", trainLoss));
  }

  public UpdateAccepted partial(long round, String pid, long ms) {
    return new UpdateAccepted(++seq, at(ms), round, pid, 100, true, 10, Map.of("train_loss", 1.0));
  }

  public UpdateRejected rejected(long round, String pid, RejectReason reason, String detail, long ms) {
    return new UpdateRejected(++seq, at(ms), round, pid, reason, detail);
  }

  public ParticipantFailed failed(long round, String pid, String reason, long ms) {
    return new ParticipantFailed(++seq, at(ms), round, pid, reason);
  }

  public ParticipantSuspended suspended(String pid, int strikes, double trust, long ms) {
    return new ParticipantSuspended(++seq, at(ms), pid, strikes, trust, "3 updates rejected as suspicious");
  }

  public RoundCommitted committed(long round, int contributors, int selected, long durationMs, double acc,
      double trainLoss, long ms) {
    return new RoundCommitted(++seq, at(ms), round, round, "sha" + round, contributors, selected,
        Map.of("test_accuracy", acc, "train_loss", trainLoss, "test_loss", trainLoss + 0.1), durationMs);
  }

  public RoundAborted aborted(long round, String reason, long ms) {
    return new RoundAborted(++seq, at(ms), round, reason);
  }

  public ModelRolledBack rolledBack(long from, long to, long newVersion, long ms) {
    return new ModelRolledBack(++seq, at(ms), from, to, newVersion, "sha", "operator", "bad round");
  }

  /** The drift monitor's indicators after round {@code round}: {@code (id, labelJs, lossTrend, alarm)}s. */
  public FederationEvent.DriftIndicators drift(long round, long ms, FederationEvent.ParticipantDrift... participants) {
    return new FederationEvent.DriftIndicators(++seq, at(ms), round, List.of(participants), 0.05);
  }

  public static FederationEvent.ParticipantDrift drifted(String pid, double labelJs, double lossTrend, boolean alarm) {
    return new FederationEvent.ParticipantDrift(pid, labelJs, lossTrend, 0.01, 0.9, alarm);
  }

  public FederationEvent.ParticipantHeartbeat heartbeat(String pid, io.flotilla.engine.api.Health health, long ms) {
    return new FederationEvent.ParticipantHeartbeat(++seq, at(ms), pid, health, 0, "idle");
  }

  public FederationEvent.UpdatePhases phases(long round, String pid, long download, long train, long upload,
      long ms) {
    return new FederationEvent.UpdatePhases(++seq, at(ms), round, pid,
        new io.flotilla.engine.api.PhaseTimings(download, train, upload));
  }

  /** A round from selection to collecting: PLANNED→SELECTING, started, →BROADCAST, →COLLECTING. */
  public List<FederationEvent> open(long round, long ms, long deadlineMs, String... cohort) {
    return List.of(phase(round, RoundPhase.PLANNED, RoundPhase.SELECTING, ms),
        started(round, ms, deadlineMs, cohort),
        phase(round, RoundPhase.SELECTING, RoundPhase.BROADCAST, ms + 1),
        phase(round, RoundPhase.BROADCAST, RoundPhase.COLLECTING, ms + 2));
  }

  /** COLLECTING→AGGREGATING→EVALUATING→COMMITTED and the commit. */
  public List<FederationEvent> close(long round, long ms, int contributors, int selected, double acc) {
    return List.of(phase(round, RoundPhase.COLLECTING, RoundPhase.AGGREGATING, ms),
        phase(round, RoundPhase.AGGREGATING, RoundPhase.EVALUATING, ms + 10),
        phase(round, RoundPhase.EVALUATING, RoundPhase.COMMITTED, ms + 30),
        committed(round, contributors, selected, ms + 30 - 0, acc, 1.0 / round, ms + 30));
  }
}
