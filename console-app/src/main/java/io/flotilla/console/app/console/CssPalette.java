package io.flotilla.console.app.console;

import java.util.LinkedHashMap;
import java.util.Map;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.layout.Pane;
import javafx.scene.paint.Color;
import javafx.scene.paint.Paint;

/**
 * Colours for canvas drawing, taken from the style sheet so that a canvas uses exactly the colours the
 * tables and legends use and follows the theme: each colour is the text fill of an invisible label with
 * the given style class (e.g. {@code outcome-accepted}, whose rule in {@code console.css} sets
 * {@code -fx-text-fill}). Put {@link #node()} into the scene; {@link #onChange} runs after a theme switch
 * recomputes the fills.
 *
 * <p>Thread-safety: FX thread only.
 */
public final class CssPalette {
  private final Pane probes = new Pane();
  private final Map<String, Label> byClass = new LinkedHashMap<>();
  private Runnable onChange = () -> { };

  /** @param styleClasses one probe per class */
  public CssPalette(String... styleClasses) {
    probes.getStyleClass().add("palette");
    probes.setManaged(false);
    probes.setVisible(false);
    probes.setMouseTransparent(true);
    for (String c : styleClasses) {
      Label l = new Label();
      l.getStyleClass().add(c);
      l.textFillProperty().addListener((o, was, is) -> onChange.run());
      byClass.put(c, l);
      probes.getChildren().add(l);
    }
  }

  /** The invisible node to add to the scene graph (it takes no space). */
  public Node node() {
    return probes;
  }

  /** Runs after any colour changed (theme switch). */
  public void onChange(Runnable r) {
    onChange = r == null ? () -> { } : r;
  }

  /** The colour of {@code styleClass}, grey when the class is unknown or has no colour yet. */
  public Color color(String styleClass) {
    Label l = byClass.get(styleClass);
    if (l != null) {
      l.applyCss();
      Paint p = l.getTextFill();
      if (p instanceof Color c) {
        return c;
      }
    }
    return Color.GRAY;
  }
}
