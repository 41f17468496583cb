package io.flotilla.console.app.perf;

import javafx.animation.AnimationTimer;

/**
 * Measures how smoothly the FX thread runs: an {@link AnimationTimer} that records the gap between
 * consecutive pulses. JavaFX pulses every 16.7 ms while an animation timer runs, so any gap beyond that is
 * time the FX thread spent elsewhere (layout, drawing, applying events, a stall). Start it, let the console
 * work, read {@link #gaps()}.
 *
 * <p>Thread-safety: start and stop on the FX thread; the recorder may be read from any thread.
 */
public final class PulseMonitor {
  private final StallRecorder gaps = new StallRecorder();
  private long last = -1;
  private final java.util.List<long[]> stalls = new java.util.concurrent.CopyOnWriteArrayList<>();
  private volatile long stallThresholdNanos = Long.MAX_VALUE;
  private final AnimationTimer timer = new AnimationTimer() {
    @Override
    public void handle(long now) {
      if (last >= 0) {
        gaps.record(now - last);
        if (now - last >= stallThresholdNanos) {
          stalls.add(new long[] {last, now});
        }
      }
      last = now;
    }
  };

  /** Starts recording (FX thread). */
  public void start() {
    last = -1;
    timer.start();
  }

  /** Stops recording (FX thread). */
  public void stop() {
    timer.stop();
    last = -1;
  }

  /** Also remembers when each gap of at least {@code millis} happened (see {@link #stalls()}). */
  public void rememberStallsOver(double millis) {
    stallThresholdNanos = (long) (millis * 1e6);
  }

  /** Each remembered stall as {pulse before, pulse after} in {@link System#nanoTime()} terms. */
  public java.util.List<long[]> stalls() {
    return java.util.List.copyOf(stalls);
  }

  /** The gaps between pulses. */
  public StallRecorder gaps() {
    return gaps;
  }
}
