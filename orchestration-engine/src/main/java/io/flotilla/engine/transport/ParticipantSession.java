package io.flotilla.engine.transport;

import io.flotilla.engine.api.ParticipantLink;
import io.flotilla.engine.api.TrainingTask;
import io.flotilla.engine.model.ModelState;
import io.flotilla.engine.transport.proto.Cancel;
import io.flotilla.engine.transport.proto.CoordinatorMessage;
import io.flotilla.engine.transport.proto.DeviceHealth;
import io.flotilla.engine.transport.proto.Encoding;
import io.grpc.stub.ServerCallStreamObserver;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executor;

/**
 * One participant's session on the coordinator: the identity it was authenticated as, its token, the
 * stream it is instructed through, and the task it is working on. It is the participant's
 * {@link ParticipantLink}: {@link #instruct} only queues a message on the session's serial sender and
 * returns. Thread-safe (task state under a lock, sends serialized).
 */
final class ParticipantSession implements ParticipantLink {
  private static final int MAX_MODELS = 4;

  private final String token;
  private final String participantId;
  private final ServerCallStreamObserver<CoordinatorMessage> out;
  private final Executor sender;
  private final Encoding updateEncoding;
  private final TaskDecorator decorator;
  private final boolean canEvaluate;
  private final Object lock = new Object();
  private final Map<Long, ModelState> models = new LinkedHashMap<>();
  private TrainingTask task;
  private volatile Instant lastSeen;
  private volatile DeviceHealth health = DeviceHealth.getDefaultInstance();
  private volatile boolean closed;
  private volatile boolean superseded;

  ParticipantSession(String token, String participantId, ServerCallStreamObserver<CoordinatorMessage> out,
      Executor sharedSender, Encoding updateEncoding, TaskDecorator decorator, boolean canEvaluate, Instant now) {
    this.token = token;
    this.participantId = participantId;
    this.out = out;
    this.sender = new SerialExecutor(sharedSender);
    this.updateEncoding = updateEncoding;
    this.decorator = decorator;
    this.canEvaluate = canEvaluate;
    this.lastSeen = now;
  }

  String token() { return token; }
  String participantId() { return participantId; }
  Encoding updateEncoding() { return updateEncoding; }
  boolean canEvaluate() { return canEvaluate; }
  Instant lastSeen() { return lastSeen; }
  DeviceHealth health() { return health; }
  boolean isClosed() { return closed; }
  boolean isSuperseded() { return superseded; }

  void touch(Instant now) {
    lastSeen = now;
  }

  void health(DeviceHealth h) {
    health = h;
  }

  @Override
  public void instruct(TrainingTask t) {
    if (closed) {
      throw new IllegalStateException("session of " + participantId + " is closed");
    }
    synchronized (lock) {
      task = t;
      allowModel(t.model());
    }
    send(CoordinatorMessage.newBuilder()
        .setInstruction(ProtoMapping.instruction(t, decorator.extraConfig(participantId, t), updateEncoding))
        .build());
  }

  @Override
  public void cancel(long roundId) {
    boolean had;
    synchronized (lock) {
      had = task != null && task.roundId() == roundId;
      if (had) {
        task = null;
      }
    }
    if (had) {
      send(CoordinatorMessage.newBuilder()
          .setCancel(Cancel.newBuilder().setRoundId(roundId).setReason("round closed")).build());
    }
  }

  /** Lets this session download {@code model} (its task's base, or a model it is asked to evaluate). */
  void allowModel(ModelState model) {
    synchronized (lock) {
      models.put(model.version(), model);
      while (models.size() > MAX_MODELS) {
        Long oldest = models.keySet().iterator().next();
        models.remove(oldest);
      }
    }
  }

  ModelState model(long version) {
    synchronized (lock) {
      return models.get(version);
    }
  }

  /** The round in flight (0 if none). */
  long inFlightRound() {
    synchronized (lock) {
      return task == null ? 0 : task.roundId();
    }
  }

  /** The deadline of the round in flight, or null. */
  Instant inFlightDeadline() {
    synchronized (lock) {
      return task == null ? null : task.deadline();
    }
  }

  /** The participant answered {@code roundId} (update acknowledged or failure reported). */
  void answered(long roundId) {
    synchronized (lock) {
      if (task != null && task.roundId() == roundId) {
        task = null;
      }
    }
  }

  /** Moves the in-flight task and downloadable models of a superseded session to this one. */
  void adopt(ParticipantSession old) {
    TrainingTask t;
    Map<Long, ModelState> m;
    synchronized (old.lock) {
      t = old.task;
      m = new LinkedHashMap<>(old.models);
      old.task = null;
    }
    synchronized (lock) {
      if (task == null) {
        task = t;
      }
      m.forEach((v, s) -> models.putIfAbsent(v, s));
    }
    old.superseded = true;
  }

  void send(CoordinatorMessage m) {
    if (closed) {
      return;
    }
    sender.execute(() -> {
      if (!closed && !out.isCancelled()) {
        out.onNext(m);
      }
    });
  }

  /**
   * Closes the stream (once), with {@code last} as the final message if given, then completes it or fails
   * it with {@code error}. Returns the round that was in flight (0 if none), for the caller to report.
   */
  long close(CoordinatorMessage last, RuntimeException error) {
    long inFlight;
    synchronized (lock) {
      if (closed) {
        return 0;
      }
      closed = true;
      inFlight = task == null ? 0 : task.roundId();
      task = null;
    }
    sender.execute(() -> {
      try {
        if (out.isCancelled()) {
          return;
        }
        if (last != null) {
          out.onNext(last);
        }
        if (error != null) {
          out.onError(error);
        } else {
          out.onCompleted();
        }
      } catch (RuntimeException e) {
        // the peer is gone already: nothing left to tell it
      }
    });
    return inFlight;
  }
}
