package io.flotilla.console.app.console;

import io.fair_acc.chartfx.XYChart;
import io.fair_acc.chartfx.axes.Axis;
import javafx.beans.value.ObservableBooleanValue;

/**
 * A chart-fx chart on a console page that does its per-pulse work (updating axes from the data, laying out,
 * redrawing its canvas) only while its page is shown. The console keeps hidden pages in the scene (see
 * {@link ConsoleView#keepInScene}), and JavaFX renders the drawing commands of every canvas in the scene on
 * every frame, visible or not: a hidden chart redrawn for each committed round would keep the render thread
 * busy for nobody. While hidden, chart-fx's pre-layout hook, its layout and its post-layout hook return at
 * once; the data's changes stay marked, so the first pulse after the page is shown brings the chart up to
 * date. It draws once while hidden, in its first pulse in a scene (see {@link #drawing}). Standalone (no
 * condition given) it behaves as a plain {@link XYChart}. FX thread.
 */
public class PageChart extends XYChart {
  private ObservableBooleanValue shown;
  /**
   * Whether chart-fx's pre-layout hook or layout ran since its post-layout hook last ran. Both lock the data
   * sets for reading and only the post-layout hook unlocks them, so it must run after either, even when the
   * page was hidden in between (chart-fx also runs the pre-layout hook outside a pulse, when the chart joins
   * a scene): otherwise the view models' writers would wait for the lock forever.
   */
  private boolean locked;
  /** Whether the chart has had its one full pulse in a scene (see {@link #drawing}). */
  private boolean warmed;
  /** True from the start of that pulse to its post-layout hook. */
  private boolean warmPulse;

  public PageChart(Axis... axes) {
    super(axes);
  }

  /** Works only while {@code pageShown} is true; catches up on the first pulse after it turns true. */
  public PageChart drawOnlyWhile(ObservableBooleanValue pageShown) {
    shown = pageShown;
    pageShown.addListener((o, was, is) -> {
      if (is) {
        requestLayout();
      }
    });
    return this;
  }

  /**
   * Whether the chart works now: its page is shown, it has no condition, or this is its first pulse in a
   * scene. That first pulse is its page's warm-up while the console loads (see {@link ConsoleView#warmUp}):
   * the chart draws once, hidden, and so creates its legend items, axis labels and grid-line patterns
   * ({@link GridPatterns}) then rather than in the frame of the page's first visit (50-70 ms of the
   * Learning page's first frame in the live minute).
   */
  public boolean drawing() {
    return shown == null || shown.get() || warmPulse;
  }

  private void warmOnce() {
    if (!warmed && getScene() != null) {
      warmed = true;
      warmPulse = true;
    }
  }

  @Override
  protected void runPreLayout() {
    warmOnce();
    if (drawing()) {
      locked = true;
      super.runPreLayout();
    }
  }

  @Override
  public void layoutChildren() {
    warmOnce();
    if (drawing()) {
      locked = true;
      super.layoutChildren();
    }
  }

  @Override
  protected void runPostLayout() {
    if (locked) {
      locked = false;
      super.runPostLayout();
      GridPatterns.pin();
    }
    warmPulse = false;
  }
}
