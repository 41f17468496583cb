package io.flotilla.engine.aggregate;

import io.flotilla.engine.api.Update;
import io.flotilla.engine.model.ModelState;
import io.flotilla.engine.spi.AggregationStrategy;
import io.flotilla.engine.spi.RoundAggregator;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Base of the Byzantine-robust strategies that need every update of a round at once (coordinate-wise
 * median, trimmed mean, Krum): updates are kept in an {@link UpdateBuffer} that spills to a memory-mapped
 * temporary file past {@code spillBytes}, and the aggregate is computed when the round closes, in
 * parallel over fixed coordinate segments (reproducible on any number of threads). Updates are
 * unweighted, as in the papers. Stateless across rounds.
 */
public abstract class RobustStrategy implements AggregationStrategy {
  /** Coordinates per segment of parallel work (a multiple of every block size used). */
  static final int SEGMENT_ALIGN = 4096;
  /** Fixed number of segments, so that results do not depend on the thread count. */
  static final int SEGMENTS = 64;

  private final long spillBytes;
  private final Path spillDir;
  private final int threads;

  protected RobustStrategy(long spillBytes, Path spillDir, int threads) {
    this.spillBytes = spillBytes;
    this.spillDir = spillDir == null ? Path.of(System.getProperty("java.io.tmpdir")) : spillDir;
    this.threads = threads <= 0 ? Segments.defaultThreads() : threads;
  }

  @Override
  public final boolean needsAllUpdates() {
    return true;
  }

  int threads() {
    return threads;
  }

  @Override
  public Map<String, String> parameters() {
    Map<String, String> m = new LinkedHashMap<>(extraParameters());
    m.put("spill-mb", Long.toString(spillBytes >> 20));
    return m;
  }

  protected abstract Map<String, String> extraParameters();

  /**
   * The aggregate delta of the buffered updates.
   *
   * @throws IllegalStateException when the rule is undefined for this many updates
   */
  abstract float[] aggregateDelta(UpdateBuffer updates);

  @Override
  public RoundAggregator begin(ModelState global) {
    UpdateBuffer buffer = new UpdateBuffer(global.size(), spillBytes, spillDir);
    return new RoundAggregator() {
      private boolean closed;

      @Override
      public void accept(Update u) {
        if (closed) {
          throw new IllegalStateException("round already aggregated");
        }
        if (u.delta().length != global.size()) {
          throw new IllegalArgumentException("update from " + u.participantId() + " has " + u.delta().length
              + " parameters, model has " + global.size());
        }
        buffer.add(u.delta());
      }

      @Override
      public int count() {
        return buffer.count();
      }

      @Override
      public Optional<float[]> aggregate() {
        if (buffer.count() == 0) {
          close();
          return Optional.empty();
        }
        try {
          float[] d = aggregateDelta(buffer);
          for (int i = 0; i < d.length; i++) {
            d[i] = global.get(i) + d[i];
          }
          return Optional.of(d);
        } finally {
          close();
        }
      }

      @Override
      public void close() {
        closed = true;
        buffer.close();
      }
    };
  }
}
