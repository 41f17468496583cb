package io.flotilla.sim.inprocess;

import io.flotilla.sim.data.Dataset;
import io.flotilla.sim.data.DriftPlan;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Live fault injection into a running {@link InProcessSimulation} ({@link InProcessSimulation#faults()}), for
 * demos and operator training: drop a participant, slow it, cut its network for a while, turn it adversarial
 * or shift its data. A fault applies from the next round to start (its {@link Injected#fromRound()}), so the
 * round in progress is untouched; drops, slow-downs, attacks and data shifts are keyed by round and stay
 * deterministic under the run's seed for a given {@code fromRound}; a network cut is keyed by the
 * simulation's clock. With no fault injected the simulation runs exactly as without this class.
 *
 * <p>Bad input (unknown participant, closed simulation) is refused with an {@link IllegalArgumentException}
 * or {@link IllegalStateException} naming the problem and changes nothing.
 *
 * <p>Thread-safety: every method may be called from any thread.
 */
public final class SimulationFaults implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SimulationFaults.class);

  /** One injected fault: what, from which round, when, and a running number. */
  public record Injected(long id, Fault fault, long fromRound, Instant at) {
    /** "drop p03 from round 12". */
    public String describe() {
      return fault.describe() + " from round " + fromRound;
    }
  }

  /** Round-keyed faults of one participant; {@code Long.MAX_VALUE} means "not injected". Immutable. */
  private record State(long dropFrom, long slowFrom, double factor, Instant cutUntil) {
    static final State NONE = new State(Long.MAX_VALUE, Long.MAX_VALUE, 1, Instant.MIN);

    State withDrop(long from) {
      return new State(from, slowFrom, factor, cutUntil);
    }

    /** The newer injection ({@code b}) overrides what it sets; the rest of {@code a} stays. */
    static State combine(State a, State b) {
      return new State(Math.min(a.dropFrom, b.dropFrom),
          b.slowFrom != Long.MAX_VALUE ? b.slowFrom : a.slowFrom,
          b.slowFrom != Long.MAX_VALUE ? b.factor : a.factor,
          b.cutUntil.isAfter(a.cutUntil) ? b.cutUntil : a.cutUntil);
    }
  }

  private final Clock clock;
  private final Map<String, SimulatedParticipant> participants;
  private final LongSupplier lastStartedRound;
  private final java.util.function.BiFunction<SimulatedParticipant, DriftPlan.Shift, Dataset> shifter;
  private final Map<String, State> states = new ConcurrentHashMap<>();
  private final List<Injected> injected = new CopyOnWriteArrayList<>();
  private final List<Consumer<Injected>> listeners = new CopyOnWriteArrayList<>();
  private final AtomicLong ids = new AtomicLong();
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "flotilla-sim-faults");
    t.setDaemon(true);
    return t;
  });
  private volatile boolean closed;

  SimulationFaults(Clock clock, Map<String, SimulatedParticipant> participants, LongSupplier lastStartedRound,
      java.util.function.BiFunction<SimulatedParticipant, DriftPlan.Shift, Dataset> shifter) {
    this.clock = Objects.requireNonNull(clock, "clock");
    this.participants = Map.copyOf(participants);
    this.lastStartedRound = lastStartedRound;
    this.shifter = shifter;
  }

  /**
   * Injects {@code fault} from the next round on and tells the listeners.
   *
   * @throws IllegalArgumentException for a participant this simulation does not have
   * @throws IllegalStateException once the simulation is closed
   */
  public Injected inject(Fault fault) {
    Objects.requireNonNull(fault, "fault");
    if (closed) {
      throw new IllegalStateException("the simulation is closed: cannot " + fault.describe());
    }
    SimulatedParticipant p = participants.get(fault.participantId());
    if (p == null) {
      throw new IllegalArgumentException("no participant '" + fault.participantId() + "' in this simulation ("
          + participants.size() + " participants)");
    }
    long from = lastStartedRound.getAsLong() + 1;
    Instant now = clock.instant();
    if (fault instanceof Fault.Drop) {
      states.merge(fault.participantId(), State.NONE.withDrop(from), State::combine);
    } else if (fault instanceof Fault.Slow s) {
      states.merge(s.participantId(), new State(Long.MAX_VALUE, from, s.factor(), Instant.MIN), State::combine);
    } else if (fault instanceof Fault.NetworkCut c) {
      states.merge(c.participantId(), new State(Long.MAX_VALUE, Long.MAX_VALUE, 1, now.plus(c.duration())),
          State::combine);
    } else if (fault instanceof Fault.Adversarial a) {
      p.turnAdversarial(a.adversary(), from);
    } else if (fault instanceof Fault.DataShift ds) {
      DriftPlan.Shift shift = new DriftPlan.Shift(from, ds.kind());
      p.injectDrift(shift, shifter.apply(p, shift));
    }
    Injected i = new Injected(ids.incrementAndGet(), fault, from, now);
    injected.add(i);
    log.info("fault injected: {}", i.describe());
    for (Consumer<Injected> l : listeners) {
      try {
        l.accept(i);
      } catch (RuntimeException e) {
        log.warn("a fault listener failed", e);
      }
    }
    return i;
  }

  /**
   * Ends the drop, slow-down and network cut of {@code participantId} and its injected attack, from the next
   * round (a data shift stays: the data has changed).
   *
   * @throws IllegalArgumentException for an unknown participant
   */
  public void clear(String participantId) {
    SimulatedParticipant p = participants.get(participantId);
    if (p == null) {
      throw new IllegalArgumentException("no participant '" + participantId + "' in this simulation");
    }
    states.remove(participantId);
    p.turnAdversarial(null, lastStartedRound.getAsLong() + 1);
    log.info("faults of {} cleared", participantId);
  }

  /** Every fault injected so far, oldest first. */
  public List<Injected> injected() {
    return List.copyOf(injected);
  }

  /** Calls {@code listener} (on the injecting thread) after each injection. */
  public void onInjected(Consumer<Injected> listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
  }

  /** The participant ids faults can target, in simulation order. */
  public List<String> participantIds() {
    return participants.keySet().stream().sorted().toList();
  }

  // ------------------------------------------------------------------ used by participants

  boolean dropped(String id, long round) {
    State s = states.get(id);
    return s != null && round >= s.dropFrom();
  }

  /** 1 for none. */
  double slowFactor(String id, long round) {
    State s = states.get(id);
    return s != null && round >= s.slowFrom() ? s.factor() : 1;
  }

  /** How long the network of {@code id} stays cut from now, or null when it is not cut. */
  Duration cutRemaining(String id) {
    State s = states.get(id);
    if (s == null) {
      return null;
    }
    Duration left = Duration.between(clock.instant(), s.cutUntil());
    return left.isNegative() || left.isZero() ? null : left;
  }

  /** Runs {@code task} after {@code delay} on the fault timer; dropped once closed. */
  void later(Duration delay, Runnable task) {
    if (closed) {
      return;
    }
    try {
      timer.schedule(task, Math.max(0, delay.toNanos()), TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      // closing
    }
  }

  @Override
  public void close() {
    closed = true;
    timer.shutdownNow();
  }
}
