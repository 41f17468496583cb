package io.flotilla.console.app.console;

import java.util.Objects;
import java.util.function.Supplier;
import javafx.scene.control.Control;
import javafx.scene.control.Tooltip;
import javafx.scene.input.MouseEvent;

/**
 * A table cell's tooltip, built when the pointer first enters the cell instead of with the cell. A
 * {@link Tooltip} is a popup window with its own scene: creating one per cell made the first show of a
 * table page create dozens of them (the Audit page's first show spent most of its 190 ms there), and
 * formatting each tooltip's text on every value change (a thousand-row table, every round) cost more than
 * the cell's own text. Here the text is a supplier, asked only while the pointer is over the cell. FX thread.
 */
public final class CellTip {
  private final Control cell;
  private Supplier<String> text = () -> null;
  private Tooltip tip;

  private CellTip(Control cell) {
    this.cell = cell;
    cell.addEventHandler(MouseEvent.MOUSE_ENTERED, e -> refresh());
  }

  /** Gives {@code cell} a tooltip that shows {@link #set}'s text; none while that text is null or empty. */
  public static CellTip on(Control cell) {
    return new CellTip(Objects.requireNonNull(cell, "cell"));
  }

  /** The text to show from now on (asked when the pointer enters the cell, or now if it is over it). */
  public void set(Supplier<String> text) {
    this.text = Objects.requireNonNull(text, "text");
    if (cell.isHover()) {
      refresh(); // a cell hovered once keeps its tooltip installed: format only while the pointer is here
    }
  }

  /** No tooltip until {@link #set} is called again. */
  public void clear() {
    text = () -> null;
    if (cell.getTooltip() != null) {
      cell.setTooltip(null);
    }
  }

  private void refresh() {
    String t = text.get();
    if (t == null || t.isEmpty()) {
      cell.setTooltip(null);
      return;
    }
    if (tip == null) {
      tip = new Tooltip();
    }
    tip.setText(t);
    if (cell.getTooltip() != tip) {
      cell.setTooltip(tip);
    }
  }
}
