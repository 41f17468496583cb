package io.flotilla.console.app.timeline;

/**
 * The part of the timeline on screen: a time window ({@link #startMs()} plus {@code width} pixels at
 * {@link #msPerPx()}) and a vertical lane offset in pixels. Zoom keeps the time under the mouse in place;
 * while {@link #following()} the window's right edge tracks the newest event (like a log tail), and any pan
 * into the past stops following. Pure arithmetic, no toolkit, so it is tested directly.
 *
 * <p>Thread-safety: confined to the UI thread.
 */
public final class Viewport {
  /** Most zoomed in: 1 ms per pixel. */
  public static final double MIN_MS_PER_PX = 1;
  /** Most zoomed out: 10 minutes across 100 pixels. */
  public static final double MAX_MS_PER_PX = 6_000;
  /** Room left after the newest event while following, in pixels. */
  public static final double LIVE_MARGIN_PX = 40;

  private double msPerPx = 20;
  private double startMs;
  private double width = 800;
  private double height = 400;
  private double laneScrollPx;
  private boolean following = true;
  private boolean pannedForward;

  public double msPerPx() {
    return msPerPx;
  }

  public double startMs() {
    return startMs;
  }

  public double endMs() {
    return startMs + width * msPerPx;
  }

  public double width() {
    return width;
  }

  public double height() {
    return height;
  }

  public double laneScrollPx() {
    return laneScrollPx;
  }

  public boolean following() {
    return following;
  }

  /** Sets the drawing area for the lanes, in pixels. */
  public void resize(double w, double h) {
    width = Math.max(1, w);
    height = Math.max(1, h);
  }

  /** Time at pixel {@code x} from the left edge. */
  public double msAt(double x) {
    return startMs + x * msPerPx;
  }

  /** Pixel of time {@code ms}. */
  public double xOf(double ms) {
    return (ms - startMs) / msPerPx;
  }

  /**
   * Zooms by {@code factor} (below 1 zooms in) keeping the time under pixel {@code anchorX} where it is.
   * While following, the right edge stays on the newest event instead.
   */
  public void zoomAt(double factor, double anchorX) {
    double anchorMs = following ? endMs() : msAt(anchorX);
    double anchorPx = following ? width : anchorX;
    msPerPx = clamp(msPerPx * factor, MIN_MS_PER_PX, MAX_MS_PER_PX);
    startMs = anchorMs - anchorPx * msPerPx;
  }

  /** Moves the time window by {@code dx} pixels (positive drags the content right, i.e. into the past). */
  public void panPx(double dx) {
    if (dx == 0) {
      return;
    }
    startMs -= dx * msPerPx;
    if (dx > 0) {
      following = false;
    } else {
      pannedForward = true;
    }
  }

  /** Shows [{@code fromMs}, {@code toMs}] across the width, and stops following. */
  public void show(double fromMs, double toMs) {
    double span = Math.max(toMs - fromMs, MIN_MS_PER_PX * width);
    msPerPx = clamp(span / width, MIN_MS_PER_PX, MAX_MS_PER_PX);
    startMs = (fromMs + toMs) / 2 - width * msPerPx / 2;
    following = false;
  }

  /** Starts or stops following the newest event. */
  public void follow(boolean on) {
    following = on;
  }

  /**
   * Keeps the window inside the data: while following, the right edge goes to {@code latestMs} plus a
   * margin; otherwise the window may not start after the newest event nor end before the oldest.
   */
  public void clampTo(double firstMs, double latestMs) {
    if (latestMs < 0) {
      return;
    }
    if (following) {
      startMs = latestMs + LIVE_MARGIN_PX * msPerPx - width * msPerPx;
      return;
    }
    double maxStart = latestMs + LIVE_MARGIN_PX * msPerPx - width * msPerPx / 2;
    double minStart = firstMs - width * msPerPx / 2;
    startMs = clamp(startMs, Math.min(minStart, maxStart), maxStart);
    if (pannedForward && endMs() >= latestMs + LIVE_MARGIN_PX * msPerPx - 1e-6) {
      following = true; // dragged back to the present
      startMs = latestMs + LIVE_MARGIN_PX * msPerPx - width * msPerPx;
    }
    pannedForward = false;
  }

  /** Scrolls lanes by {@code dy} pixels, within [0, {@code contentPx} − visible height]. */
  public void scrollLanes(double dy, double contentPx) {
    laneScrollPx = clamp(laneScrollPx + dy, 0, Math.max(0, contentPx - height));
  }

  /** Sets the lane scroll offset, within the content. */
  public void laneScrollTo(double px, double contentPx) {
    laneScrollPx = clamp(px, 0, Math.max(0, contentPx - height));
  }

  private static double clamp(double v, double lo, double hi) {
    return Math.max(lo, Math.min(hi, v));
  }
}
