package io.flotilla.sim.participant;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BackoffTest {
  @Test
  void fullJitterStaysUnderTheExponentialCeilingAndTheCap() {
    Backoff b = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(2), 42);
    for (int n = 1; n <= 12; n++) {
      long ceiling = Math.min(2000, 100L << (n - 1));
      assertThat(b.next().toMillis()).isBetween(0L, ceiling);
    }
    assertThat(b.attempts()).isEqualTo(12);
    b.reset();
    assertThat(b.attempts()).isZero();
    assertThat(b.next().toMillis()).isBetween(0L, 100L);
  }

  @Test
  void theSameSeedGivesTheSameWaitsAndDifferentSeedsSpreadACrowd() {
    List<Long> a = waits(7);
    assertThat(waits(7)).isEqualTo(a);
    assertThat(waits(8)).isNotEqualTo(a);
  }

  private static List<Long> waits(long seed) {
    Backoff b = new Backoff(Duration.ofMillis(50), Duration.ofSeconds(5), seed);
    List<Long> out = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      out.add(b.next().toMillis());
    }
    return out;
  }
}
