package io.flotilla.engine.aggregate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

/** Segments claimed from a shared counter: each runs exactly once, failures reach the caller. */
class SegmentsTest {
  @Test
  void everySegmentRunsExactlyOnceWithTheSameBoundsOnAnyThreadCount() {
    int size = 1_000_003;
    int[] bounds = Segments.bounds(size, 64, 4096);
    for (int threads : new int[] {1, 2, 3, 8}) {
      AtomicIntegerArray runs = new AtomicIntegerArray(bounds.length - 1);
      AtomicIntegerArray covered = new AtomicIntegerArray(size);
      Segments.run(size, 64, 4096, threads, (index, from, to) -> {
        assertThat(from).isEqualTo(bounds[index]);
        assertThat(to).isEqualTo(bounds[index + 1]);
        runs.incrementAndGet(index);
        for (int i = from; i < to; i++) {
          covered.incrementAndGet(i);
        }
      });
      for (int s = 0; s < runs.length(); s++) {
        assertThat(runs.get(s)).as("threads=%d segment %d", threads, s).isEqualTo(1);
      }
      for (int i = 0; i < size; i += 997) {
        assertThat(covered.get(i)).isEqualTo(1);
      }
    }
  }

  @Test
  void aFailingSegmentFailsTheCallAfterTheOthersStop() {
    assertThatThrownBy(() -> Segments.run(100_000, 16, 1024, 2, (index, from, to) -> {
      if (index == 5) {
        throw new IllegalStateException("segment 5 failed");
      }
    })).isInstanceOf(IllegalStateException.class).hasMessage("segment 5 failed");
  }
}
