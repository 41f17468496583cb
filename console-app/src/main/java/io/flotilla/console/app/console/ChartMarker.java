package io.flotilla.console.app.console;

import io.fair_acc.chartfx.axes.Axis;
import io.fair_acc.chartfx.plugins.XValueIndicator;

/**
 * A vertical marker on a chart-fx chart (a rollback, a configuration change, a pause), styled by kind and
 * never dragged. Two chart-fx defaults cost the FX and render threads more than the whole rest of a chart:
 * <ul>
 *   <li>chart-fx gives every value indicator a style class with its position among the chart's plugins
 *       ({@code x-value-indicator-line0}, …) and recomputes it for every indicator whenever any plugin comes
 *       or goes, each one scanning the plugin list: each new marker re-styled all the others, quadratic in
 *       the markers and a CSS re-match each. A marker's classes are set once here: {@code
 *       value-indicator-line}, {@code x-value-indicator-line} and the kind (labels and the triangle alike).</li>
 *   <li>chart-fx lays a transparent line as wide as the picking distance over each indicator, for dragging
 *       an editable one; the software renderer rasterised every one of them, full chart height, on every
 *       frame. It is hidden here.</li>
 * </ul>
 * FX thread.
 */
public final class ChartMarker extends XValueIndicator {
  private final String kind;
  /** Whether the final classes are set (once the kind is known, after the super constructor). */
  private boolean styled;

  /**
   * @param kind a style class for the line and the label (for example {@code marker-rollback}), or null
   */
  public ChartMarker(Axis axis, double value, String text, String kind) {
    super(axis, value, text);
    this.kind = kind;
    setEditable(false);
    updateStyleClass();
    styled = true;
    pickLine.setVisible(false);
  }

  /**
   * Loads chart-fx's indicator classes now, while the console loads: the first marker of a run otherwise
   * loads and links them on the FX thread in the middle of an event batch (20–30 ms of class loading in the
   * responsiveness runs). The marker built here belongs to no chart. FX thread.
   */
  public static void preload() {
    new ChartMarker(new io.fair_acc.chartfx.axes.spi.DefaultNumericAxis(), 0, "", null);
  }

  @Override
  public void updateStyleClass() {
    if (styled) {
      return;
    }
    line.getStyleClass().setAll("value-indicator-line", "x-value-indicator-line");
    label.getStyleClass().setAll("value-indicator-label", "x-value-indicator-label");
    triangle.getStyleClass().setAll("value-indicator-marker", "x-value-indicator-marker");
    if (kind != null) {
      line.getStyleClass().add(kind);
      label.getStyleClass().add(kind);
    }
  }
}
