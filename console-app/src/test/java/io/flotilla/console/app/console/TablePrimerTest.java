package io.flotilla.console.app.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.flotilla.console.app.FxStageTest;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.scene.Scene;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableRow;
import javafx.scene.control.TableView;
import javafx.scene.layout.StackPane;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxToolkit;
import org.testfx.util.WaitForAsyncUtils;

/** A table primed with sample rows builds its cells once; its real rows, when they come, reuse them. */
class TablePrimerTest extends FxStageTest {
  @Test
  void realRowsReuseTheCellsBuiltForTheSamples() throws Exception {
    Stage stage = FxToolkit.registerPrimaryStage();
    ObservableList<String> own = FXCollections.observableArrayList();
    AtomicInteger rows = new AtomicInteger();
    AtomicInteger cells = new AtomicInteger();
    TableView<String> table = fx(() -> {
      TableView<String> t = new TableView<>(own);
      t.setRowFactory(v -> {
        rows.incrementAndGet();
        return new TableRow<>();
      });
      TableColumn<String, String> c = new TableColumn<>("value");
      c.setCellValueFactory(d -> new ReadOnlyStringWrapper(d.getValue()));
      c.setCellFactory(col -> {
        cells.incrementAndGet();
        return new TableCell<>() {
          @Override
          protected void updateItem(String item, boolean empty) {
            super.updateItem(item, empty);
            setText(empty ? null : item);
          }
        };
      });
      t.getColumns().add(c);
      stage.setScene(new Scene(new StackPane(t), 300, 400));
      stage.show();
      return t;
    });
    WaitForAsyncUtils.waitForFxEvents();
    int rowsEmpty = rows.get();

    Runnable unprime = fx(() -> TablePrimer.prime(table, List.of("a", "b", "c", "d", "e", "f", "g", "h", "i", "j",
        "k", "l", "m", "n", "o", "p", "q", "r", "s", "t", "u", "v", "w", "x", "y", "z")));
    WaitForAsyncUtils.waitForFxEvents();
    assertThat(fx(() -> table.getItems().size())).isEqualTo(26);
    int rowsPrimed = rows.get();
    int cellsPrimed = cells.get();
    assertThat(rowsPrimed).as("row cells built for the samples").isGreaterThan(rowsEmpty + 5);

    fx(() -> {
      unprime.run();
      return null;
    });
    WaitForAsyncUtils.waitForFxEvents();
    assertThat(fx(table::getItems)).isSameAs(own);

    fx(() -> own.setAll(List.of("1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12")));
    WaitForAsyncUtils.waitForFxEvents();
    assertThat(rows.get()).as("row cells built for the real rows").isEqualTo(rowsPrimed);
    assertThat(cells.get()).as("cells built for the real rows").isEqualTo(cellsPrimed);
    assertThat(fx(() -> table.lookupAll(".table-row-cell").stream()
        .filter(n -> n.isVisible() && ((TableRow<?>) n).getItem() != null).count())).isEqualTo(12L);

    // a table that has rows is left alone
    Runnable none = fx(() -> TablePrimer.prime(table, List.of("x")));
    assertThat(fx(table::getItems)).isSameAs(own);
    fx(() -> {
      none.run();
      return null;
    });
    assertThat(fx(table::getItems)).isSameAs(own);

    // nor is a table whose list is bound
    ObservableList<String> empty = FXCollections.observableArrayList();
    fx(() -> {
      table.itemsProperty().bind(new javafx.beans.property.SimpleObjectProperty<>(empty));
      TablePrimer.prime(table, List.of("x")).run();
      return null;
    });
    assertThat(fx(table::getItems)).isSameAs(empty);
  }
}
