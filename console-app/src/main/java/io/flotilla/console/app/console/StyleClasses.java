package io.flotilla.console.app.console;

import java.util.List;

/**
 * Swaps one "variant" style class (such as {@code health-warn} or {@code pstate-active}) on a node's style
 * class list without touching the list when the wanted class is already the only one of its kind. Table
 * cells are re-used on every scroll and every value change: an unconditional remove-and-add marks the cell
 * for a full CSS pass each time, which on a 1,000-row table is a large share of the FX thread's work.
 * Stateless; call on the FX thread (the list is a node's).
 */
public final class StyleClasses {
  private StyleClasses() {}

  /**
   * Leaves exactly one class starting with {@code prefix} in {@code styleClass}: {@code wanted}, or none
   * when {@code wanted} is null. Changes the list only if it differs.
   *
   * @param keep a class with the prefix that is not a variant and stays (e.g. {@code state-chip}), or null
   */
  public static void set(List<String> styleClass, String prefix, String wanted, String keep) {
    int present = 0;
    boolean hasWanted = false;
    for (String s : styleClass) {
      if (s.startsWith(prefix) && !s.equals(keep)) {
        present++;
        hasWanted |= s.equals(wanted);
      }
    }
    if (wanted == null ? present == 0 : present == 1 && hasWanted) {
      return;
    }
    styleClass.removeIf(s -> s.startsWith(prefix) && !s.equals(keep));
    if (wanted != null) {
      styleClass.add(wanted);
    }
  }

  /** {@link #set(List, String, String, String)} with nothing to keep. */
  public static void set(List<String> styleClass, String prefix, String wanted) {
    set(styleClass, prefix, wanted, null);
  }
}
