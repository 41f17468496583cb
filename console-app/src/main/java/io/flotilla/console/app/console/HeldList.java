package io.flotilla.console.app.console;

import java.util.Objects;
import javafx.beans.value.ObservableBooleanValue;
import javafx.collections.FXCollections;
import javafx.collections.ListChangeListener;
import javafx.collections.ObservableList;

/**
 * A copy of a view model's list for a table on a page that stays in the scene while hidden: it follows the
 * list change by change while the page is shown, and holds still while it is hidden, so the hidden table
 * does not re-index, restyle and lay out its rows for every round (the Overview's rounds, the model
 * versions and the audit log all put their newest entry first, which moves every visible row).
 *
 * <p>When the page is shown again the copy catches up in as few changes as it can: the entries that arrived
 * meanwhile are added in front in one change and the ones that fell off the end removed in one (or
 * added at the end, for a list that grows there), which the
 * table handles like the arrival of one round; only a list that changed otherwise (a reload, a rollback that
 * rebuilt it) is replaced whole.
 *
 * <p>Thread-safety: FX thread, like the list it copies.
 */
public final class HeldList<T> {
  private final ObservableList<T> source;
  private final ObservableList<T> copy;
  private final ObservableList<T> copyView;
  private boolean held;
  private boolean behind;
  /** Held here: a binding such as {@code page.isEqualTo(X)} listens to its page weakly and is lost otherwise. */
  private ObservableBooleanValue live;

  public HeldList(ObservableList<T> source) {
    this.source = Objects.requireNonNull(source, "source");
    this.copy = FXCollections.observableArrayList(source);
    this.copyView = FXCollections.unmodifiableObservableList(copy);
    source.addListener((ListChangeListener<T>) this::follow);
  }

  /** The list to show: the source's entries while live, the ones it had when held otherwise. */
  public ObservableList<T> list() {
    return copyView;
  }

  /** Holds the copy while {@code live} is false, and catches up when it turns true. */
  public HeldList<T> liveWhile(ObservableBooleanValue live) {
    this.live = live;
    live.addListener((o, was, is) -> setHeld(!is));
    setHeld(!live.get());
    return this;
  }

  /** Holds the copy still (true), or catches it up and lets it follow again (false). */
  public void setHeld(boolean hold) {
    if (held == hold) {
      return;
    }
    held = hold;
    if (!hold && behind) {
      catchUp();
    }
  }

  public boolean isHeld() {
    return held;
  }

  private void follow(ListChangeListener.Change<? extends T> c) {
    if (held) {
      behind = true;
      return;
    }
    while (c.next()) {
      if (c.wasPermutated()) {
        copy.subList(c.getFrom(), c.getTo()).clear();
        copy.addAll(c.getFrom(), source.subList(c.getFrom(), c.getTo()));
      } else {
        if (c.wasRemoved()) {
          copy.subList(c.getFrom(), c.getFrom() + c.getRemovedSize()).clear();
        }
        if (c.wasAdded()) {
          copy.addAll(c.getFrom(), c.getAddedSubList());
        }
      }
    }
  }

  private void catchUp() {
    behind = false;
    if (copy.isEmpty()) {
      copy.addAll(source);
      return;
    }
    // newest first: find the copy's first entry in the source; what is before it arrived meanwhile
    int front = source.indexOf(copy.get(0));
    int kept = front < 0 ? 0 : Math.min(copy.size(), source.size() - front);
    boolean prefix = front >= 0;
    for (int i = 0; prefix && i < kept; i++) {
      prefix = source.get(front + i) == copy.get(i);
    }
    if (!prefix) {
      copy.setAll(source);
      return;
    }
    if (kept < copy.size()) {
      copy.remove(kept, copy.size());
    }
    if (front + kept < source.size()) { // entries added at the end
      copy.addAll(source.subList(front + kept, source.size()));
    }
    if (front > 0) {
      copy.addAll(0, source.subList(0, front));
    }
  }
}
