package io.flotilla.console.app.overview;

import io.fair_acc.dataset.spi.CircularDoubleErrorDataSet;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * The learning curve as chart-fx data sets, one point per committed round: train loss and test loss
 * (plotted on the loss axis) and test accuracy (on a second axis, 0..1). Ring buffers bound memory: past
 * {@link #CAPACITY} points the oldest are dropped.
 *
 * <p>Thread-safety: points are written on the injected writer executor, never on the FX thread. chart-fx
 * read-locks its data sets from layout until the end of the next pulse, so a write from the FX thread after
 * an out-of-pulse layout (a {@code snapshot}, for one) would wait for that thread itself. A dedicated writer
 * thread simply waits for the pulse, and the engine's coordinator thread never waits at all. Tests pass
 * {@code Runnable::run}. The data sets themselves are thread-safe (their own lock).
 */
public final class LearningCurve {
  /** Rounds kept on the chart. */
  public static final int CAPACITY = 4096;

  private final CircularDoubleErrorDataSet trainLoss = new CircularDoubleErrorDataSet("train loss", CAPACITY);
  private final CircularDoubleErrorDataSet testLoss = new CircularDoubleErrorDataSet("test loss", CAPACITY);
  private final CircularDoubleErrorDataSet testAccuracy =
      new CircularDoubleErrorDataSet("test accuracy", CAPACITY);

  private final Executor writer;

  LearningCurve(Executor writer) {
    this.writer = Objects.requireNonNull(writer, "writer");
  }

  public CircularDoubleErrorDataSet trainLoss() {
    return trainLoss;
  }

  public CircularDoubleErrorDataSet testLoss() {
    return testLoss;
  }

  public CircularDoubleErrorDataSet testAccuracy() {
    return testAccuracy;
  }

  /** The data sets drawn against the loss axis. */
  public List<CircularDoubleErrorDataSet> losses() {
    return List.of(trainLoss, testLoss);
  }

  /**
   * Adds the round's values on the writer; a value that is not finite (metric not reported) is left out.
   * Any thread.
   */
  void add(long round, double trainL, double testL, double acc) {
    try {
      writer.execute(() -> {
        addIfFinite(trainLoss, round, trainL);
        addIfFinite(testLoss, round, testL);
        addIfFinite(testAccuracy, round, acc);
      });
    } catch (RejectedExecutionException e) {
      // the console is closing: the chart is going away with it
    }
  }

  private static void addIfFinite(CircularDoubleErrorDataSet ds, long round, double v) {
    if (Double.isFinite(v)) {
      ds.add(round, v, 0, 0);
    }
  }

  /** Points in the fullest data set. */
  public int size() {
    return Math.max(testAccuracy.getDataCount(), Math.max(trainLoss.getDataCount(), testLoss.getDataCount()));
  }
}
