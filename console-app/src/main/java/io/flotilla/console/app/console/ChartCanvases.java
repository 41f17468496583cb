package io.flotilla.console.app.console;

import io.fair_acc.chartfx.Chart;
import io.fair_acc.chartfx.axes.Axis;
import io.fair_acc.chartfx.axes.spi.AbstractAxis;
import javafx.collections.ListChangeListener;

/**
 * Turns off the node cache chart-fx puts on its canvases (the plot's and each axis's, {@code setCache(true)}
 * with {@code CacheHint.QUALITY}). A JavaFX canvas already keeps its pixels in a texture of its own, so the
 * cache saves nothing when the canvas is unchanged; when it changes (each committed round) the cache costs
 * one more full-size copy: the canvas is drawn into the cache image, then the cache onto the window. With the
 * software renderer (the headless tests; machines without a usable GPU) that copy showed up in the render
 * thread's samples of the long frames ({@code CacheFilter.renderCacheToScreen}). FX thread.
 */
public final class ChartCanvases {
  private ChartCanvases() {}

  /** Uncaches {@code chart}'s plot canvas and the canvases of its axes, now and of axes added later. */
  public static <C extends Chart> C uncached(C chart) {
    chart.getCanvas().setCache(false);
    chart.getAxes().forEach(ChartCanvases::uncache);
    chart.getAxes().addListener((ListChangeListener<Axis>) c -> {
      while (c.next()) {
        c.getAddedSubList().forEach(ChartCanvases::uncache);
      }
    });
    return chart;
  }

  private static void uncache(Axis axis) {
    if (axis instanceof AbstractAxis a) {
      a.getCanvas().setCache(false);
    }
  }
}
