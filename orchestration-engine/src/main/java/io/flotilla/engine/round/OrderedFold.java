package io.flotilla.engine.round;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Releases items in cohort order whatever order they arrive in, so that floating-point aggregation is
 * bit-for-bit reproducible. An arrival ahead of an unresolved earlier slot waits in a buffer; a slot that
 * resolves without an item (failure, rejection) is skipped. Memory: only items that overtook an earlier
 * member are held. Not thread-safe.
 *
 * @param <T> the item type (an update)
 */
public final class OrderedFold<T> {
  private final Object[] slots;
  private final boolean[] resolved;
  private final Consumer<T> sink;
  private int next;

  public OrderedFold(int size, Consumer<T> sink) {
    this.slots = new Object[size];
    this.resolved = new boolean[size];
    this.sink = sink;
  }

  /** Slot {@code index} delivered {@code item}. */
  public void offer(int index, T item) {
    check(index);
    slots[index] = item;
    resolved[index] = true;
    release();
  }

  /** Slot {@code index} will deliver nothing. */
  public void skip(int index) {
    check(index);
    resolved[index] = true;
    release();
  }

  /** Skips every unresolved slot and releases what is buffered (the round closed). */
  public void drain() {
    for (int i = next; i < resolved.length; i++) {
      resolved[i] = true;
    }
    release();
  }

  /** Items still waiting for an earlier slot. */
  public int buffered() {
    int n = 0;
    for (int i = next; i < slots.length; i++) {
      if (slots[i] != null) {
        n++;
      }
    }
    return n;
  }

  private void check(int index) {
    if (index < 0 || index >= slots.length) {
      throw new IndexOutOfBoundsException("slot " + index + " of " + slots.length);
    }
    if (resolved[index]) {
      throw new IllegalStateException("slot " + index + " already resolved");
    }
  }

  @SuppressWarnings("unchecked")
  private void release() {
    List<T> ready = new ArrayList<>();
    while (next < slots.length && resolved[next]) {
      if (slots[next] != null) {
        ready.add((T) slots[next]);
        slots[next] = null;
      }
      next++;
    }
    ready.forEach(sink);
  }
}
