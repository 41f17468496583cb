package io.flotilla.engine.transport;

import io.flotilla.engine.api.Federation;
import io.flotilla.engine.api.FederationEvent;
import io.flotilla.engine.api.Subscription;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The coordinator's Micrometer meters: rounds, participants, bytes on the wire, latencies and rejections.
 * Fed by the transport (bytes, calls, sessions, heartbeats, phase timings) and by the federation's events
 * (rounds, accepted and rejected updates, failures). With a Prometheus registry they are served at
 * {@code /metrics} by {@link MetricsHttpServer}. Thread-safe.
 */
public final class TransportMetrics {
  private final MeterRegistry registry;
  private final AtomicInteger sessions = new AtomicInteger();
  private final AtomicInteger uploadsInFlight = new AtomicInteger();
  private final AtomicLong modelVersion = new AtomicLong();
  private final Counter bytesInUpdate;
  private final Counter bytesOutModel;
  private final Timer uploadTimer;
  private final Timer downloadTimer;
  private final Timer roundTimer;
  private final DistributionSummary cpuLoad;
  private final Counter heartbeats;
  private final Counter sessionsOpened;

  public TransportMetrics(MeterRegistry registry) {
    this.registry = registry;
    Gauge.builder("flotilla.sessions.active", sessions, AtomicInteger::get)
        .description("open participant sessions").register(registry);
    Gauge.builder("flotilla.uploads.inflight", uploadsInFlight, AtomicInteger::get)
        .description("uploads being reassembled").register(registry);
    Gauge.builder("flotilla.model.version", modelVersion, AtomicLong::get)
        .description("version of the committed global model").register(registry);
    bytesInUpdate = Counter.builder("flotilla.transport.bytes").tag("direction", "in").tag("kind", "update")
        .baseUnit("bytes").description("payload bytes received and sent").register(registry);
    bytesOutModel = Counter.builder("flotilla.transport.bytes").tag("direction", "out").tag("kind", "model")
        .baseUnit("bytes").description("payload bytes received and sent").register(registry);
    uploadTimer = Timer.builder("flotilla.transport.upload").description("update upload calls, first chunk to ack")
        .register(registry);
    downloadTimer = Timer.builder("flotilla.transport.download").description("model download calls")
        .register(registry);
    roundTimer = Timer.builder("flotilla.round.duration").description("round start to commit").register(registry);
    cpuLoad = DistributionSummary.builder("flotilla.participant.cpu.load")
        .description("CPU load reported in heartbeats").register(registry);
    heartbeats = Counter.builder("flotilla.heartbeats").description("heartbeats received").register(registry);
    sessionsOpened = Counter.builder("flotilla.sessions.opened").description("sessions welcomed").register(registry);
  }

  public MeterRegistry registry() {
    return registry;
  }

  /** Follows the federation's events; close the subscription when done. */
  public Subscription follow(Federation federation) {
    modelVersion.set(federation.globalModel().version());
    return federation.subscribe(this::onEvent);
  }

  private void onEvent(FederationEvent e) {
    if (e instanceof FederationEvent.RoundCommitted c) {
      registry.counter("flotilla.rounds", "outcome", "committed").increment();
      roundTimer.record(Duration.ofMillis(c.durationMillis()));
      modelVersion.set(c.version());
    } else if (e instanceof FederationEvent.RoundAborted) {
      registry.counter("flotilla.rounds", "outcome", "aborted").increment();
    } else if (e instanceof FederationEvent.UpdateAccepted) {
      registry.counter("flotilla.updates", "outcome", "accepted", "reason", "none").increment();
    } else if (e instanceof FederationEvent.UpdateRejected r) {
      registry.counter("flotilla.updates", "outcome", "rejected", "reason", r.reason().name()).increment();
    } else if (e instanceof FederationEvent.ParticipantFailed f) {
      registry.counter("flotilla.participant.failures", "kind", failureKind(f.reason())).increment();
    } else if (e instanceof FederationEvent.ParticipantJoined) {
      registry.counter("flotilla.participants.joined").increment();
    }
  }

  /** Stragglers (out of time, lost connection mid-round) are counted apart from other failures. */
  static String failureKind(String reason) {
    String r = reason == null ? "" : reason.toLowerCase(Locale.ROOT);
    if (r.contains("deadline") || r.contains("straggler") || r.contains("disconnect")) {
      return "straggler";
    }
    if (r.contains("drop")) {
      return "dropout";
    }
    return "other";
  }

  void sessionOpened() {
    sessions.incrementAndGet();
    sessionsOpened.increment();
  }

  void sessionClosed() {
    sessions.decrementAndGet();
  }

  int activeSessions() {
    return sessions.get();
  }

  void uploadStarted() {
    uploadsInFlight.incrementAndGet();
  }

  void uploadFinished(long nanos) {
    uploadsInFlight.decrementAndGet();
    uploadTimer.record(Duration.ofNanos(nanos));
  }

  void updateBytesIn(long n) {
    bytesInUpdate.increment(n);
  }

  void modelBytesOut(long n) {
    bytesOutModel.increment(n);
  }

  void downloadFinished(long nanos) {
    downloadTimer.record(Duration.ofNanos(nanos));
  }

  void error(String call, io.flotilla.engine.transport.proto.ErrorCode code) {
    registry.counter("flotilla.transport.errors", "call", call, "code", code.name()).increment();
  }

  void heartbeat(double cpu) {
    heartbeats.increment();
    if (cpu >= 0) {
      cpuLoad.record(cpu);
    }
  }

  void phase(String phase, long millis) {
    if (millis >= 0) {
      registry.timer("flotilla.participant.phase", "phase", phase).record(Duration.ofMillis(millis));
    }
  }

  /** Total update payload bytes received so far. */
  public double updateBytesReceived() {
    return bytesInUpdate.count();
  }

  /** Total model payload bytes sent so far. */
  public double modelBytesSent() {
    return bytesOutModel.count();
  }
}
