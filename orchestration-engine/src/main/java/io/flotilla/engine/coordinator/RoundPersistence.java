package io.flotilla.engine.coordinator;

import io.flotilla.engine.api.ParticipantInfo;
import io.flotilla.engine.api.RejectReason;
import io.flotilla.engine.api.Update;
import io.flotilla.engine.participant.ParticipantRecord;
import io.flotilla.engine.round.Round;
import io.flotilla.engine.store.FederationStore;
import io.flotilla.engine.store.ParticipantRow;
import io.flotilla.engine.store.RolledBack;
import io.flotilla.engine.store.RoundCommit;
import io.flotilla.engine.store.RoundRecord;
import io.flotilla.engine.store.UpdateRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The coordinator's side of durability: builds what a finished round persists (cohort outcomes, update
 * metadata gathered since the last record, touched participants' counters) on the loop thread, and runs
 * every store call on one dedicated serial thread, so the loop never blocks on I/O and store calls happen in
 * the order the loop issued them. A round's commit comes back to the loop as a future; fire-and-forget
 * records (participant joins, aborts, state changes) only log failures. Without a store every method is a
 * no-op. Confined to the loop thread, except the store thread it owns.
 */
final class RoundPersistence {
  private static final Logger log = LoggerFactory.getLogger(RoundPersistence.class);
  private static final int MAX_PENDING_UPDATES = 100_000;

  private final FederationStore store;
  private final String federation;
  private final ExecutorService executor;
  private final List<UpdateRecord> pendingUpdates = new ArrayList<>();

  RoundPersistence(FederationStore store, String federation, java.util.concurrent.ThreadFactory threads) {
    this.store = store;
    this.federation = federation;
    this.executor = store == null ? null : Executors.newSingleThreadExecutor(threads);
  }

  boolean enabled() {
    return store != null;
  }

  /** Notes an update's metadata; it is persisted with the next round record. */
  void updateReceived(Update u, boolean accepted, RejectReason reason, String detail, Instant at) {
    if (store == null || pendingUpdates.size() >= MAX_PENDING_UPDATES) {
      return; // a flood of bogus updates must not grow memory without bound; the audit log has the rounds
    }
    pendingUpdates.add(new UpdateRecord(u.participantId(), u.roundId(), u.baseVersion(), at, u.sampleCount(),
        u.completedEpochs(), u.requestedEpochs(), accepted, reason == null ? null : reason.name(), detail,
        u.provenance().trainingMillis(), u.provenance().deviceClass(), u.metrics()));
  }

  static ParticipantRow row(ParticipantRecord p) {
    ParticipantInfo i = p.info();
    var s = p.snapshot();
    return new ParticipantRow(i.id(), i.deviceClass(), i.sampleCount(), i.labelHistogram(), s.state(),
        s.roundsSelected(), s.updatesAccepted(), s.failures(), s.trust(), s.strikes());
  }

  /** The persistent record of a finished round; takes the update metadata gathered so far. */
  RoundRecord record(Round r, Map<String, ParticipantRecord> participants, Instant endedAt) {
    List<RoundRecord.Member> cohort = new ArrayList<>();
    List<ParticipantRow> rows = new ArrayList<>();
    int i = 0;
    for (String pid : r.cohort()) {
      cohort.add(new RoundRecord.Member(pid, i++, r.outcome(pid).name()));
      ParticipantRecord p = participants.get(pid);
      if (p != null) {
        rows.add(row(p));
      }
    }
    List<UpdateRecord> updates = List.copyOf(pendingUpdates);
    pendingUpdates.clear();
    return new RoundRecord(federation, r.id(), r.baseVersion(), r.startedAt(), endedAt, cohort,
        r.count(Round.Outcome.ACCEPTED), updates, rows);
  }

  /** Commits a round on the store thread; the future completes when it is durable (or failed). */
  CompletableFuture<Void> commit(RoundCommit c) {
    return CompletableFuture.runAsync(() -> store.commitRound(c), executor);
  }

  CompletableFuture<RolledBack> rollback(long toVersion, String actor, String reason, Instant at) {
    return CompletableFuture.supplyAsync(() -> store.rollback(federation, toVersion, actor, reason, at), executor);
  }

  void aborted(RoundRecord r, String reason) {
    background("round " + r.roundId() + " abort", () -> store.recordAbort(r, reason));
  }

  void joined(ParticipantRecord p, Instant at) {
    if (store == null) {
      return;
    }
    ParticipantRow row = row(p);
    background("participant " + p.id(), () -> store.recordParticipant(federation, row, at));
  }

  void stateChanged(String from, String to, String reason, Instant at) {
    background("state change", () -> store.recordStateChange(federation, from, to, reason, at));
  }

  private void background(String what, Runnable r) {
    if (store == null) {
      return;
    }
    try {
      executor.execute(() -> {
        try {
          r.run();
        } catch (RuntimeException e) {
          log.warn("could not persist {} of federation '{}'", what, federation, e);
        }
      });
    } catch (java.util.concurrent.RejectedExecutionException e) {
      log.debug("store closed; not persisting {}", what);
    }
  }

  /** Lets queued store calls finish (never interrupts one mid-transaction). */
  void close() {
    if (executor == null) {
      return;
    }
    executor.shutdown();
    try {
      if (!executor.awaitTermination(30, TimeUnit.SECONDS)) {
        log.warn("store calls of federation '{}' still running after 30 s", federation);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  // ---- learning control (issue 7)

  /** Stores an operator command on a participant (row + audit in one transaction) on the store thread. */
  CompletableFuture<Void> participantStateChanged(ParticipantRow row, String action, String from, String actor,
      String reason, Instant at) {
    return CompletableFuture.runAsync(
        () -> store.recordParticipantStateChange(federation, row, action, from, actor, reason, at), executor);
  }

  void tuned(Map<String, String> old, Map<String, String> now, long fromRound, String actor, String reason,
      Instant at) {
    Map<String, String> o = new java.util.TreeMap<>();
    old.forEach((k, v) -> o.put(k, v)); // may hold nulls: no Map.copyOf
    Map<String, String> n = Map.copyOf(now);
    background("tuning", () -> store.recordTuning(federation, o, n, fromRound, actor, reason, at));
  }

  void alarm(io.flotilla.engine.store.LearningAlarm alarm, Instant at) {
    background(alarm.kind().toLowerCase() + " alarm", () -> store.recordLearningAlarm(federation, alarm, at));
  }

  void calibrated(io.flotilla.engine.api.Calibration c, String actor, String reason, Instant at) {
    background("calibration " + c.calibrationId(), () -> store.recordCalibration(federation, c, actor, reason, at));
  }
}
