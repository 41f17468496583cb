package io.flotilla.console.app.console;

import java.util.ArrayList;
import java.util.List;
import javafx.css.PseudoClass;
import javafx.scene.Node;

/**
 * Sets one "variant" CSS pseudo-class (such as {@code :pstate-active} or {@code :telemetry-warn}) on a node,
 * clearing the others of its group. For states that change while a table runs: a pseudo-class change only
 * re-resolves the node's styles against the selectors it already matched, while a style-class change
 * makes JavaFX match the node (and everything below it) against every style sheet again. On the
 * Participants table, where a hundred rows change state every round, style classes made that re-matching
 * most of the FX thread's work after each round (docs/RESULTS.md). Stateless; FX thread.
 */
public final class PseudoStates {
  private PseudoStates() {}

  /**
   * Leaves exactly one pseudo-class starting with {@code prefix} on {@code node}: {@code wanted}, or none
   * when {@code wanted} is null.
   */
  public static void set(Node node, String prefix, String wanted) {
    List<PseudoClass> off = new ArrayList<>(2);
    for (PseudoClass pc : node.getPseudoClassStates()) {
      String name = pc.getPseudoClassName();
      if (name.startsWith(prefix) && !name.equals(wanted)) {
        off.add(pc);
      }
    }
    for (PseudoClass pc : off) {
      node.pseudoClassStateChanged(pc, false);
    }
    if (wanted != null) {
      node.pseudoClassStateChanged(PseudoClass.getPseudoClass(wanted), true);
    }
  }

  /** Whether {@code node} has the pseudo-class {@code name} (for tests and for reading state back). */
  public static boolean has(Node node, String name) {
    return node.getPseudoClassStates().contains(PseudoClass.getPseudoClass(name));
  }
}
