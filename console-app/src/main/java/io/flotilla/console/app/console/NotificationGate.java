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
  private final List<Hold> held = new ArrayList<>();

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
      Hold[] pending = held.toArray(new Hold[0]);
      held.clear();
      for (Hold h : pending) {
        h.release();
      }
    }
  }

  /** Notifications held right now (tests and diagnostics). */
  public int heldCount() {
    return held.size();
  }

  /**
   * The notifications of one property: fires at once while the gate is open, else is held once until the
   * gate opens.
   */
  private final class Hold {
    private final Runnable fire;
    private boolean waiting;

    Hold(Runnable fire) {
      this.fire = fire;
    }

    void changed() {
      if (waiting) {
        return; // already held: one notification, with the newest value, when the gate opens
      }
      if (open) {
        fire.run();
      } else {
        waiting = true;
        held.add(this);
      }
    }

    void release() {
      waiting = false;
      fire.run();
    }
  }

  public ReadOnlyStringWrapper string(String initial) {
    return new ReadOnlyStringWrapper(initial) {
      private final Hold hold = new Hold(super::fireValueChangedEvent);

      @Override
      protected void fireValueChangedEvent() {
        hold.changed();
      }
    };
  }

  public ReadOnlyLongWrapper longValue(long initial) {
    return new ReadOnlyLongWrapper(initial) {
      private final Hold hold = new Hold(super::fireValueChangedEvent);

      @Override
      protected void fireValueChangedEvent() {
        hold.changed();
      }
    };
  }

  public ReadOnlyIntegerWrapper integer(int initial) {
    return new ReadOnlyIntegerWrapper(initial) {
      private final Hold hold = new Hold(super::fireValueChangedEvent);

      @Override
      protected void fireValueChangedEvent() {
        hold.changed();
      }
    };
  }

  public ReadOnlyDoubleWrapper doubleValue(double initial) {
    return new ReadOnlyDoubleWrapper(initial) {
      private final Hold hold = new Hold(super::fireValueChangedEvent);

      @Override
      protected void fireValueChangedEvent() {
        hold.changed();
      }
    };
  }

  public ReadOnlyBooleanWrapper bool(boolean initial) {
    return new ReadOnlyBooleanWrapper(initial) {
      private final Hold hold = new Hold(super::fireValueChangedEvent);

      @Override
      protected void fireValueChangedEvent() {
        hold.changed();
      }
    };
  }

  public <T> ReadOnlyObjectWrapper<T> object(T initial) {
    return new ReadOnlyObjectWrapper<>(initial) {
      private final Hold hold = new Hold(super::fireValueChangedEvent);

      @Override
      protected void fireValueChangedEvent() {
        hold.changed();
      }
    };
  }
}
