package io.flotilla.console.app.console;

import java.util.ArrayList;
import java.util.List;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;

/**
 * Long operations in flight (loading, a rollback, an export, checking the audit chain), for the status
 * bar's progress bar and its label. Each {@link #begin} returns a handle that ends the operation once
 * (ending it twice is harmless).
 *
 * <p>Thread-safety: confined to the UI thread.
 */
public final class OperationTracker {
  private final List<Operation> running = new ArrayList<>();
  private final ReadOnlyBooleanWrapper busy = new ReadOnlyBooleanWrapper(false);
  private final ReadOnlyStringWrapper label = new ReadOnlyStringWrapper("");

  /** A running operation; {@link #end()} is idempotent. */
  public final class Operation {
    private final String what;
    private boolean ended;

    private Operation(String what) {
      this.what = what;
    }

    public void end() {
      if (!ended) {
        ended = true;
        running.remove(this);
        update();
      }
    }
  }

  /** Starts showing {@code what} ("Exporting version 12…") with an indeterminate progress bar. */
  public Operation begin(String what) {
    Operation op = new Operation(what);
    running.add(op);
    update();
    return op;
  }

  private void update() {
    busy.set(!running.isEmpty());
    if (running.isEmpty()) {
      label.set("");
    } else {
      Operation last = running.get(running.size() - 1);
      label.set(running.size() == 1 ? last.what : last.what + " (+" + (running.size() - 1) + " more)");
    }
  }

  public ReadOnlyBooleanProperty busyProperty() {
    return busy.getReadOnlyProperty();
  }

  /** What is running, e.g. "Rolling back to version 3…". */
  public ReadOnlyStringProperty labelProperty() {
    return label.getReadOnlyProperty();
  }

  public int running() {
    return running.size();
  }
}
