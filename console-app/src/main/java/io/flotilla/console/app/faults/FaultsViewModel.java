package io.flotilla.console.app.faults;

import io.flotilla.console.app.format.Units;
import io.flotilla.sim.adversary.Adversary;
import io.flotilla.sim.adversary.AdversaryKind;
import io.flotilla.sim.data.DriftPlan;
import io.flotilla.sim.inprocess.Fault;
import io.flotilla.sim.inprocess.SimulationFaults;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * State of the Faults page (simulator control): which participants of the embedded simulation can be hit, and
 * a log of the faults injected. {@link #inject} builds a {@link Fault} from the operator's choice and hands it to
 * the simulation's {@link SimulationFaults} on a background executor (a data shift builds a new data set), then
 * logs the outcome on the UI thread and tells the console (a notification and a Learning marker).
 *
 * <p>Thread-safety: UI thread only; the injection itself runs on the background executor.
 */
public final class FaultsViewModel {
  private static final Logger log = LoggerFactory.getLogger(FaultsViewModel.class);
  /** Log entries kept. */
  public static final int MAX_LOG = 300;

  /** What to do to the chosen participant. */
  public enum Kind {
    DROP("Drop (fails its rounds)"),
    SLOW("Slow down (× training time)"),
    CUT("Cut its network (seconds)"),
    ADVERSARIAL("Turn adversarial"),
    DRIFT("Shift its data (drift)");

    private final String title;

    Kind(String title) {
      this.title = title;
    }

    @Override
    public String toString() {
      return title;
    }
  }

  /** One line of the log. */
  public record Entry(Instant time, String text, boolean ok) {
    @Override
    public String toString() {
      return Units.clock(time) + "  " + text;
    }
  }

  private final Executor ui;
  private final Executor background;
  private final Clock clock;
  private final ObservableList<String> participants = FXCollections.observableArrayList();
  private final ObservableList<Entry> entries = FXCollections.observableArrayList();
  private final ObservableList<Entry> entriesView = FXCollections.unmodifiableObservableList(entries);
  private final ReadOnlyBooleanWrapper unavailable = new ReadOnlyBooleanWrapper(true);
  private final ReadOnlyBooleanWrapper busy = new ReadOnlyBooleanWrapper();
  private final ReadOnlyStringWrapper status = new ReadOnlyStringWrapper(
      "Fault injection works on the console's embedded simulation once it has loaded.");
  private SimulationFaults faults;
  private Consumer<SimulationFaults.Injected> onInjected = i -> { };
  private BiConsumer<String, String> onFailure = (t, m) -> { };

  /**
   * @param ui runs work on the UI thread
   * @param background runs the injections (never the UI thread)
   */
  public FaultsViewModel(Executor ui, Executor background, Clock clock) {
    this.ui = Objects.requireNonNull(ui, "ui");
    this.background = Objects.requireNonNull(background, "background");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** The simulation's fault injector (null: none, e.g. a federation that is not simulated here). UI thread. */
  public void attach(SimulationFaults f) {
    this.faults = f;
    participants.setAll(f == null ? List.of() : f.participantIds());
    unavailable.set(f == null);
    status.set(f == null ? "This federation is not simulated in the console: no faults to inject."
        : "Pick a participant and a fault; it applies from the next round.");
  }

  /** Called on the UI thread after each successful injection. */
  public void onInjected(Consumer<SimulationFaults.Injected> handler) {
    this.onInjected = Objects.requireNonNull(handler, "handler");
  }

  /** Called on the UI thread with a title and a message when an injection is refused. */
  public void onFailure(BiConsumer<String, String> handler) {
    this.onFailure = Objects.requireNonNull(handler, "handler");
  }

  /**
   * Builds the fault for {@code kind} on {@code participantId}: {@code amount} is the slow-down factor or the cut's
   * seconds; {@code attack} and {@code shift} the adversary and drift kinds.
   *
   * @throws IllegalArgumentException naming what is wrong (no participant, bad amount, missing choice)
   */
  public static Fault fault(Kind kind, String participantId, double amount, AdversaryKind attack,
      DriftPlan.Kind shift) {
    if (participantId == null || participantId.isBlank()) {
      throw new IllegalArgumentException("choose a participant first");
    }
    Objects.requireNonNull(kind, "kind");
    return switch (kind) {
      case DROP -> new Fault.Drop(participantId);
      case SLOW -> new Fault.Slow(participantId, amount);
      case CUT -> {
        if (!(amount > 0) || !Double.isFinite(amount)) {
          throw new IllegalArgumentException("network cut must last more than 0 s, got " + amount);
        }
        yield new Fault.NetworkCut(participantId, Duration.ofMillis(Math.round(amount * 1000)));
      }
      case ADVERSARIAL -> {
        if (attack == null) {
          throw new IllegalArgumentException("choose an attack (sign-flip, scaling, noise, label-flip, free-rider)");
        }
        yield new Fault.Adversarial(participantId, new Adversary(attack,
            attack.takesParameter() ? attack.defaultParameter() : Double.NaN));
      }
      case DRIFT -> {
        if (shift == null) {
          throw new IllegalArgumentException("choose a data shift (label-shift or feature-shift)");
        }
        yield new Fault.DataShift(participantId, shift);
      }
    };
  }

  /** Injects {@code kind} into {@code participantId} (see {@link #fault}); refusals are logged and raised. UI thread. */
  public void inject(Kind kind, String participantId, double amount, AdversaryKind attack, DriftPlan.Kind shift) {
    Fault f;
    try {
      f = fault(kind, participantId, amount, attack, shift);
    } catch (IllegalArgumentException e) {
      refused(e.getMessage());
      return;
    }
    SimulationFaults target = faults;
    if (target == null) {
      refused("no simulation to inject into");
      return;
    }
    busy.set(true);
    status.set("Injecting: " + f.describe() + "…");
    try {
      CompletableFuture.supplyAsync(() -> target.inject(f), background)
          .whenComplete((i, error) -> ui.execute(() -> injected(i, error)));
    } catch (RejectedExecutionException e) {
      busy.set(false);
      refused("the console is closing");
    }
  }

  private void injected(SimulationFaults.Injected i, Throwable error) {
    busy.set(false);
    if (error != null) {
      Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
      refused(cause.getMessage() == null ? cause.toString() : cause.getMessage());
      return;
    }
    add(new Entry(i.at(), i.describe(), true));
    status.set("Injected: " + i.describe());
    onInjected.accept(i);
  }

  /** Ends the drop, slow-down, network cut and injected attack of {@code participantId}. UI thread. */
  public void clear(String participantId) {
    SimulationFaults target = faults;
    if (target == null || participantId == null) {
      refused(participantId == null ? "choose a participant first" : "no simulation to clear faults in");
      return;
    }
    try {
      target.clear(participantId);
      add(new Entry(clock.instant(), "cleared the faults of " + participantId + " (a data shift stays)", true));
      status.set("Cleared the faults of " + participantId);
    } catch (RuntimeException e) {
      refused(e.getMessage());
    }
  }

  private void refused(String why) {
    log.warn("fault refused: {}", why);
    add(new Entry(clock.instant(), "refused: " + why, false));
    status.set("Refused: " + why);
    onFailure.accept("Fault not injected", why);
  }

  private void add(Entry e) {
    entries.add(0, e);
    if (entries.size() > MAX_LOG) {
      entries.remove(MAX_LOG, entries.size());
    }
  }

  /** Participant ids of the simulation, in order. */
  public ObservableList<String> participants() {
    return participants;
  }

  /** Log of injections and refusals, newest first. */
  public ObservableList<Entry> entries() {
    return entriesView;
  }

  public ReadOnlyBooleanProperty unavailableProperty() {
    return unavailable.getReadOnlyProperty();
  }

  /** True while an injection runs. */
  public ReadOnlyBooleanProperty busyProperty() {
    return busy.getReadOnlyProperty();
  }

  public ReadOnlyStringProperty statusProperty() {
    return status.getReadOnlyProperty();
  }

  static String amountLabel(Kind k) {
    return switch (k) {
      case SLOW -> "factor";
      case CUT -> "seconds";
      default -> "";
    };
  }
}
