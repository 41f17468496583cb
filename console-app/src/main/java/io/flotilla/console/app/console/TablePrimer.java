package io.flotilla.console.app.console;

import java.util.List;
import java.util.Objects;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.scene.control.TableView;

/**
 * Fills an empty table with sample rows for a page's warm-up pulse (see
 * {@link ConsoleView#primeWhileWarming}), so that the table builds its row cells, and matches their styles,
 * while the console loads rather than in the frame of the page's first visit. Once the pulse is over the
 * table gets its own rows back; the cells it built stay with it (parked in its virtual flow) and are reused
 * when real rows arrive. FX thread.
 */
public final class TablePrimer {
  /** How many sample rows a primer should give: more than a table shows in a tall window. */
  public static final int ROWS = 40;

  private TablePrimer() {}

  /**
   * Shows {@code samples} in {@code table} if it has no rows, and returns what puts its own list back (a
   * no-op if it had rows or its list is bound, or if its list was replaced meanwhile).
   */
  public static <T> Runnable prime(TableView<T> table, List<T> samples) {
    Objects.requireNonNull(table, "table");
    ObservableList<T> own = table.getItems();
    if (own != null && !own.isEmpty() || samples.isEmpty() || table.itemsProperty().isBound()) {
      return () -> {};
    }
    ObservableList<T> shown = FXCollections.observableArrayList(samples);
    table.setItems(shown);
    return () -> {
      if (table.getItems() == shown) {
        table.setItems(own);
      }
    };
  }
}
