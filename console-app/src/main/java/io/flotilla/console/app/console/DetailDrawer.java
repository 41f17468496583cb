package io.flotilla.console.app.console;

import atlantafx.base.theme.Styles;
import atlantafx.base.theme.Tweaks;
import javafx.animation.TranslateTransition;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import javafx.util.Duration;
import org.kordamp.ikonli.javafx.FontIcon;
import org.kordamp.ikonli.materialdesign2.MaterialDesignC;

/**
 * The details drawer on the right of the window (a round, a participant, a model version): it slides in
 * over nothing, so the table or chart behind it stays in view, and closes with its button or Escape. Ids:
 * {@code #drawer}, {@code #drawerTitle}, {@code #drawerClose}.
 *
 * <p>Thread-safety: FX thread only.
 */
public final class DetailDrawer {
  /** Width of the open drawer. */
  public static final double WIDTH = 380;

  private final VBox root = new VBox();
  private final Label title = new Label();
  private final ScrollPane body = new ScrollPane();
  private final ReadOnlyBooleanWrapper showing = new ReadOnlyBooleanWrapper(false);
  private final javafx.beans.property.ReadOnlyObjectWrapper<Object> subject =
      new javafx.beans.property.ReadOnlyObjectWrapper<>();
  private Runnable onClose;

  public DetailDrawer() {
    root.setId("drawer");
    root.getStyleClass().add("drawer");
    root.setPrefWidth(WIDTH);
    root.setMinWidth(WIDTH);
    root.setMaxWidth(WIDTH);
    title.setId("drawerTitle");
    title.getStyleClass().addAll(Styles.TITLE_4, "drawer-title");
    title.setMaxWidth(Double.MAX_VALUE);
    HBox.setHgrow(title, Priority.ALWAYS);
    Button close = new Button(null, new FontIcon(MaterialDesignC.CLOSE));
    close.setId("drawerClose");
    close.getStyleClass().addAll(Styles.BUTTON_ICON, Styles.FLAT);
    close.setTooltip(new Tooltip("Close (Esc)"));
    close.setOnAction(e -> close());
    HBox header = new HBox(8, title, close);
    header.setAlignment(Pos.CENTER_LEFT);
    header.getStyleClass().add("drawer-header");
    body.setFitToWidth(true);
    body.getStyleClass().addAll("drawer-body", Tweaks.EDGE_TO_EDGE);
    VBox.setVgrow(body, Priority.ALWAYS);
    root.getChildren().setAll(header, body);
    root.setVisible(false);
    root.setManaged(false);
  }

  public Node node() {
    return root;
  }

  /**
   * Shows {@code content} under {@code heading}; {@code subject} identifies what is shown (a round id, a
   * participant id) so that a second click on the same thing can close it.
   *
   * @param whenClosed runs once when this content leaves the drawer (closed or replaced); may be null
   */
  public void show(String heading, Node content, Object subject, Runnable whenClosed) {
    Runnable previous = onClose;
    onClose = null;
    if (previous != null) {
      previous.run();
    }
    this.subject.set(subject);
    this.onClose = whenClosed;
    title.setText(heading);
    body.setContent(content);
    body.setVvalue(0);
    if (!showing.get()) {
      root.setVisible(true);
      root.setManaged(true);
      showing.set(true);
      TranslateTransition slide = new TranslateTransition(Duration.millis(140), root);
      slide.setFromX(WIDTH / 3);
      slide.setToX(0);
      slide.play();
    }
  }

  /** Replaces the body of what is shown (a live update of the same subject), keeping the scroll position. */
  public void replace(Node content) {
    if (showing.get()) {
      double v = body.getVvalue();
      body.setContent(content);
      body.layout();
      body.setVvalue(v);
    }
  }

  /** Replaces the heading of what is shown. */
  public void retitle(String heading) {
    title.setText(heading);
  }

  /** Closes the drawer if open. */
  public void close() {
    if (!showing.get()) {
      return;
    }
    root.setVisible(false);
    root.setManaged(false);
    body.setContent(null);
    subject.set(null);
    showing.set(false);
    Runnable r = onClose;
    onClose = null;
    if (r != null) {
      r.run();
    }
  }

  /** What is shown (as given to {@link #show}), or null. */
  public Object subject() {
    return subject.get();
  }

  /** What is shown (as given to {@link #show}), null while closed. */
  public javafx.beans.property.ReadOnlyObjectProperty<Object> subjectProperty() {
    return subject.getReadOnlyProperty();
  }

  public ReadOnlyBooleanProperty showingProperty() {
    return showing.getReadOnlyProperty();
  }
}
