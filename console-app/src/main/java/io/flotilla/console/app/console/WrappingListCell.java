package io.flotilla.console.app.console;

import java.util.function.Function;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.layout.Region;

/**
 * A list cell that shows its item's text whole: in a wrapping label as wide as the list (less its scroll
 * bar), so long multi-line entries (alarms, calibration results) wrap instead of being cut short or making
 * the list scroll sideways. FX thread.
 */
public final class WrappingListCell<T> extends ListCell<T> {
  private final Label text = new Label();
  private final Function<T, String> format;

  /** For {@code list.setCellFactory(lv -> new WrappingListCell<>(lv, item -> "…"))}. */
  public WrappingListCell(ListView<T> list, Function<T, String> format) {
    this.format = format;
    setPrefWidth(0); // as wide as the list, not as the longest line
    text.setWrapText(true);
    text.maxWidthProperty().bind(list.widthProperty().subtract(28));
    text.setMinHeight(Region.USE_PREF_SIZE);
  }

  @Override
  protected void updateItem(T item, boolean empty) {
    super.updateItem(item, empty);
    setText(null);
    if (empty || item == null) {
      setGraphic(null);
      return;
    }
    text.setText(format.apply(item));
    setGraphic(text);
  }
}
