package io.flotilla.console.app.models;

import io.flotilla.console.app.history.ModelVersion;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;

/**
 * One row of the Models table: a stored version (immutable) plus whether it is current (which changes in
 * place when a later round commits or a rollback happens).
 *
 * <p>Thread-safety: confined to the UI thread.
 */
public final class ModelVersionRow {
  private final ModelVersion version;
  private final ReadOnlyBooleanWrapper current;

  ModelVersionRow(ModelVersion version) {
    this.version = version;
    this.current = new ReadOnlyBooleanWrapper(version.current());
  }

  public ModelVersion info() {
    return version;
  }

  public long version() {
    return version.version();
  }

  public ReadOnlyBooleanProperty currentProperty() {
    return current.getReadOnlyProperty();
  }

  public boolean isCurrent() {
    return current.get();
  }

  void current(boolean c) {
    current.set(c);
  }

  @Override
  public String toString() {
    return "v" + version.version() + (current.get() ? " (current)" : "");
  }
}
