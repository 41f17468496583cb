package io.flotilla.console.app.console;

import java.util.ArrayList;
import java.util.List;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyDoubleWrapper;
import javafx.beans.property.ReadOnlyIntegerWrapper;
import javafx.beans.property.ReadOnlyLongWrapper;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringWrapper;

/**
 * Holds the change notifications of a set of properties while closed, and delivers them when it opens.
 *
 * <p>For view-model rows that a table shows while its page may be hidden: a hidden page stays in the scene
 * (it keeps its styles), and its table's cells listen to the rows' properties, so every change of a row
 * would otherwise restyle and lay out cells nobody sees. Values stay current while the gate is closed:
 * {@code get()} always returns the newest value, so counts, filters and details read from the rows are
 * right; only listeners (cells, bindings) hear of it later. When the gate opens, each property that changed
 * fires once, with its newest value: a cell updates once however often its value changed meanwhile.
 *
 * <p>A property fires on its first change after it was last read (JavaFX properties are lazy), so a
 * property changed many times while closed is held once.
 *
 * <p>Thread-safety: confined to the FX thread, like the properties it makes.
 */
public final class NotificationGate {
  private boolean open = true;
  private final List<Held> held = new ArrayList<>();

  /** A property whose notifications this gate can hold. */
  private interface Held {
    void release();
  }

  /** Whether notifications go out at once (true, the default) or are held. */
  public boolean isOpen() {
    return open;
  }

  /**
   * Opens or closes the gate. Opening delivers every held notification, in the order the properties first
   * changed.
   */
  public void setOpen(boolean open) {
    if (this.open == open) {
      return;
    }
    this.open = open;
    if (open) {
      // a listener may change another property while we deliver: it fires at once (the gate is open)
      Held[] pending = held.toArray(new Held[0]);
      held.clear();
      for (Held h : pending) {
        h.release();
      }
    }
  }

  /** Notifications held right now (tests and diagnostics). */
  public int heldCount() {
    return held.size();
  }

  private boolean hold(Held h) {
    if (open) {
      return false;
    }
    held.add(h);
    return true;
  }

  public ReadOnlyStringWrapper string(String initial) {
    return new ReadOnlyStringWrapper(initial) {
      private final Held self = this::fire;
      private boolean waiting;

      private void fire() {
        waiting = false;
        super.fireValueChangedEvent();
      }

      @Override
      protected void fireValueChangedEvent() {
        if (!waiting && !(waiting = hold(self))) {
          super.fireValueChangedEvent();
        }
      }
    };
  }

  public ReadOnlyLongWrapper longValue(long initial) {
    return new ReadOnlyLongWrapper(initial) {
      private final Held self = this::fire;
      private boolean waiting;

      private void fire() {
        waiting = false;
        super.fireValueChangedEvent();
      }

      @Override
      protected void fireValueChangedEvent() {
        if (!waiting && !(waiting = hold(self))) {
          super.fireValueChangedEvent();
        }
      }
    };
  }

  public ReadOnlyIntegerWrapper integer(int initial) {
    return new ReadOnlyIntegerWrapper(initial) {
      private final Held self = this::fire;
      private boolean waiting;

      private void fire() {
        waiting = false;
        super.fireValueChangedEvent();
      }

      @Override
      protected void fireValueChangedEvent() {
        if (!waiting && !(waiting = hold(self))) {
          super.fireValueChangedEvent();
        }
      }
    };
  }

  public ReadOnlyDoubleWrapper doubleValue(double initial) {
    return new ReadOnlyDoubleWrapper(initial) {
      private final Held self = this::fire;
      private boolean waiting;

      private void fire() {
        waiting = false;
        super.fireValueChangedEvent();
      }

      @Override
      protected void fireValueChangedEvent() {
        if (!waiting && !(waiting = hold(self))) {
          super.fireValueChangedEvent();
        }
      }
    };
  }

  public ReadOnlyBooleanWrapper bool(boolean initial) {
    return new ReadOnlyBooleanWrapper(initial) {
      private final Held self = this::fire;
      private boolean waiting;

      private void fire() {
        waiting = false;
        super.fireValueChangedEvent();
      }

      @Override
      protected void fireValueChangedEvent() {
        if (!waiting && !(waiting = hold(self))) {
          super.fireValueChangedEvent();
        }
      }
    };
  }

  public <T> ReadOnlyObjectWrapper<T> object(T initial) {
    return new ReadOnlyObjectWrapper<>(initial) {
      private final Held self = this::fire;
      private boolean waiting;

      private void fire() {
        waiting = false;
        super.fireValueChangedEvent();
      }

      @Override
      protected void fireValueChangedEvent() {
        if (!waiting && !(waiting = hold(self))) {
          super.fireValueChangedEvent();
        }
      }
    };
  }
}
