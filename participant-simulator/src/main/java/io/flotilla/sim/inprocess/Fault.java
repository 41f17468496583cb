package io.flotilla.sim.inprocess;

import io.flotilla.sim.adversary.Adversary;
import io.flotilla.sim.data.DriftPlan;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * A fault an operator injects into one participant of a running in-process simulation (see
 * {@link SimulationFaults}). Each kind validates its parameters on construction and names the bad one.
 * Immutable and thread-safe.
 */
public sealed interface Fault {
  /** The participant the fault hits. */
  String participantId();

  /** The fault in words, for logs and notifications: "drop p03", "slow p03 ×10". */
  String describe();

  /** The participant fails every round it is selected for (it reports the failure at once). */
  record Drop(String participantId) implements Fault {
    public Drop {
      requireId(participantId);
    }

    @Override
    public String describe() {
      return "drop " + participantId;
    }
  }

  /**
   * The participant's local training takes {@code factor} times as long: its update is held back by the extra
   * time (and reported with the longer training time), so it may miss the round's deadline.
   */
  record Slow(String participantId, double factor) implements Fault {
    public Slow {
      requireId(participantId);
      if (!(factor > 1) || !Double.isFinite(factor)) {
        throw new IllegalArgumentException("slow-down factor must be a finite number > 1, got " + factor);
      }
    }

    @Override
    public String describe() {
      return String.format(Locale.ROOT, "slow %s ×%s", participantId, trim(factor));
    }
  }

  /**
   * The participant's network is cut for {@code duration}: it sends no heartbeat, and a round it is selected
   * for during the cut hears nothing from it until the network returns, when it reports the failure.
   */
  record NetworkCut(String participantId, Duration duration) implements Fault {
    public NetworkCut {
      requireId(participantId);
      Objects.requireNonNull(duration, "duration");
      if (duration.isNegative() || duration.isZero() || duration.compareTo(Duration.ofHours(1)) > 0) {
        throw new IllegalArgumentException("network cut must last more than 0 s and at most 1 h, got " + duration);
      }
    }

    @Override
    public String describe() {
      return "cut network of " + participantId + " for " + duration.toMillis() / 1000.0 + " s";
    }
  }

  /** The participant turns adversarial: it mounts {@code adversary} from now on. */
  record Adversarial(String participantId, Adversary adversary) implements Fault {
    public Adversarial {
      requireId(participantId);
      Objects.requireNonNull(adversary, "adversary");
    }

    @Override
    public String describe() {
      return "turn " + participantId + " adversarial (" + adversary + ")";
    }
  }

  /** The participant's data shifts ({@code label-shift} or {@code feature-shift}, the simulator's drift). */
  record DataShift(String participantId, DriftPlan.Kind kind) implements Fault {
    public DataShift {
      requireId(participantId);
      Objects.requireNonNull(kind, "kind");
    }

    @Override
    public String describe() {
      return "shift data of " + participantId + " (" + kind + ")";
    }
  }

  private static void requireId(String id) {
    if (id == null || id.isBlank()) {
      throw new IllegalArgumentException("a fault needs a participant id");
    }
  }

  private static String trim(double v) {
    return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
  }
}
