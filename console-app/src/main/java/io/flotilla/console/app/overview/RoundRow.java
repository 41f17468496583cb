package io.flotilla.console.app.overview;

import io.flotilla.engine.api.RoundPhase;
import java.time.Instant;
import javafx.beans.property.ReadOnlyDoubleProperty;
import javafx.beans.property.ReadOnlyDoubleWrapper;
import javafx.beans.property.ReadOnlyIntegerProperty;
import javafx.beans.property.ReadOnlyIntegerWrapper;
import javafx.beans.property.ReadOnlyLongProperty;
import javafx.beans.property.ReadOnlyLongWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;

/**
 * One round in the round table. Its properties change in place as the round's events arrive, so the table
 * updates single cells instead of reloading rows. Unknown values are -1 (counts, duration) or NaN (metrics).
 *
 * <p>Thread-safety: confined to the UI thread, like the {@link OverviewViewModel} that owns it.
 */
public final class RoundRow {
  private final long round;
  private final ReadOnlyObjectWrapper<RoundPhase> phase = new ReadOnlyObjectWrapper<>(RoundPhase.PLANNED);
  private final ReadOnlyIntegerWrapper accepted = new ReadOnlyIntegerWrapper(0);
  private final ReadOnlyIntegerWrapper selected = new ReadOnlyIntegerWrapper(-1);
  private final ReadOnlyStringWrapper participants = new ReadOnlyStringWrapper("");
  private final ReadOnlyLongWrapper durationMillis = new ReadOnlyLongWrapper(-1);
  private final ReadOnlyDoubleWrapper testAccuracy = new ReadOnlyDoubleWrapper(Double.NaN);
  private final ReadOnlyDoubleWrapper trainLoss = new ReadOnlyDoubleWrapper(Double.NaN);
  private final ReadOnlyDoubleWrapper testLoss = new ReadOnlyDoubleWrapper(Double.NaN);
  private final ReadOnlyStringWrapper note = new ReadOnlyStringWrapper("");
  private Instant startedAt;

  RoundRow(long round) {
    this.round = round;
    updateParticipants();
  }

  public long round() {
    return round;
  }

  public ReadOnlyObjectProperty<RoundPhase> phaseProperty() {
    return phase.getReadOnlyProperty();
  }

  public RoundPhase phase() {
    return phase.get();
  }

  /** Updates accepted so far (final once the round commits). */
  public ReadOnlyIntegerProperty acceptedProperty() {
    return accepted.getReadOnlyProperty();
  }

  /** Participants selected for the round, -1 before selection. */
  public ReadOnlyIntegerProperty selectedProperty() {
    return selected.getReadOnlyProperty();
  }

  /** "accepted/selected", e.g. "9/10"; empty before selection. */
  public ReadOnlyStringProperty participantsProperty() {
    return participants.getReadOnlyProperty();
  }

  /** Wall time from start to commit or abort; -1 while the round runs. */
  public ReadOnlyLongProperty durationMillisProperty() {
    return durationMillis.getReadOnlyProperty();
  }

  public ReadOnlyDoubleProperty testAccuracyProperty() {
    return testAccuracy.getReadOnlyProperty();
  }

  public ReadOnlyDoubleProperty trainLossProperty() {
    return trainLoss.getReadOnlyProperty();
  }

  public ReadOnlyDoubleProperty testLossProperty() {
    return testLoss.getReadOnlyProperty();
  }

  /** Why the round was aborted; empty otherwise. */
  public ReadOnlyStringProperty noteProperty() {
    return note.getReadOnlyProperty();
  }

  void phase(RoundPhase p) {
    phase.set(p);
  }

  void started(Instant at, int selectedCount) {
    startedAt = at;
    selected.set(selectedCount);
    updateParticipants();
  }

  Instant startedAt() {
    return startedAt;
  }

  void accepted(int count) {
    accepted.set(count);
    updateParticipants();
  }

  void committed(int contributors, int selectedCount, long millis, double acc, double trainL, double testL) {
    phase.set(RoundPhase.COMMITTED);
    accepted.set(contributors);
    selected.set(selectedCount);
    updateParticipants();
    durationMillis.set(millis);
    testAccuracy.set(acc);
    trainLoss.set(trainL);
    testLoss.set(testL);
  }

  void aborted(String reason, long millis) {
    phase.set(RoundPhase.ABORTED);
    note.set(reason == null ? "" : reason);
    durationMillis.set(millis);
  }

  private void updateParticipants() {
    participants.set(selected.get() < 0 ? "" : accepted.get() + "/" + selected.get());
  }

  @Override
  public String toString() {
    return "RoundRow[" + round + ", " + phase.get() + ", " + participants.get() + "]";
  }
}
