package io.flotilla.engine.round;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flotilla.engine.api.RoundPhase;
import io.flotilla.engine.round.Round.Outcome;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RoundTest {
  private static Round selecting(int quorum, String... ids) {
    Round r = new Round(1, 0, quorum, Instant.EPOCH, Instant.EPOCH.plusSeconds(10));
    r.moveTo(RoundPhase.SELECTING);
    Map<String, Long> nonces = new java.util.HashMap<>();
    for (String id : ids) {
      nonces.put(id, (long) id.hashCode());
    }
    r.setCohort(List.of(ids), nonces);
    return r;
  }

  @Test
  void happyPathVisitsEveryPhaseInOrder() {
    Round r = selecting(1, "a");
    for (RoundPhase p : List.of(RoundPhase.BROADCAST, RoundPhase.COLLECTING, RoundPhase.AGGREGATING,
        RoundPhase.EVALUATING, RoundPhase.COMMITTED)) {
      r.moveTo(p);
    }
    assertThat(r.phase()).isEqualTo(RoundPhase.COMMITTED);
    assertThat(r.phase().isTerminal()).isTrue();
  }

  @Test
  void illegalTransitionsThrow() {
    Round r = new Round(1, 0, 1, Instant.EPOCH, Instant.EPOCH);
    assertThatThrownBy(() -> r.moveTo(RoundPhase.COLLECTING)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("PLANNED -> COLLECTING");
    r.abort("test");
    assertThatThrownBy(() -> r.moveTo(RoundPhase.SELECTING)).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> r.abort("again")).isInstanceOf(IllegalStateException.class);
    assertThat(r.abortReason()).isEqualTo("test");
  }

  @Test
  void everyNonTerminalPhaseCanAbortAndTerminalOnesCannotMove() {
    for (RoundPhase p : RoundPhase.values()) {
      assertThat(p.canMoveTo(RoundPhase.ABORTED)).isEqualTo(!p.isTerminal());
      if (p.isTerminal()) {
        assertThat(p.next()).isEmpty();
      }
    }
  }

  @Test
  void quorumCountsOnlyAcceptedUpdates() {
    Round r = selecting(2, "a", "b", "c");
    r.resolve("a", Outcome.ACCEPTED);
    r.resolve("b", Outcome.REJECTED);
    assertThat(r.quorumMet()).isFalse();
    assertThat(r.allResolved()).isFalse();
    r.resolve("c", Outcome.ACCEPTED);
    assertThat(r.quorumMet()).isTrue();
    assertThat(r.allResolved()).isTrue();
  }

  @Test
  void deadlineExpiresPendingMembersAndQuorumFails() {
    Round r = selecting(2, "a", "b", "c");
    r.resolve("b", Outcome.ACCEPTED);
    assertThat(r.expirePending()).containsExactly("a", "c");
    assertThat(r.count(Outcome.TIMED_OUT)).isEqualTo(2);
    assertThat(r.quorumMet()).isFalse();
  }

  @Test
  void aMemberResolvesOnlyOnce() {
    Round r = selecting(1, "a");
    r.resolve("a", Outcome.ACCEPTED);
    assertThatThrownBy(() -> r.resolve("a", Outcome.ACCEPTED)).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> r.resolve("zz", Outcome.ACCEPTED)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void orderedFoldReleasesInCohortOrderWhateverTheArrivalOrder() {
    List<String> out = new ArrayList<>();
    OrderedFold<String> f = new OrderedFold<>(4, out::add);
    f.offer(2, "c");
    f.offer(1, "b");
    assertThat(out).isEmpty();
    assertThat(f.buffered()).isEqualTo(2);
    f.skip(0);
    assertThat(out).containsExactly("b", "c");
    f.offer(3, "d");
    assertThat(out).containsExactly("b", "c", "d");
    assertThatThrownBy(() -> f.offer(3, "again")).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void drainReleasesWhatOvertookAMissingSlot() {
    List<String> out = new ArrayList<>();
    OrderedFold<String> f = new OrderedFold<>(3, out::add);
    f.offer(2, "c");
    f.drain();
    assertThat(out).containsExactly("c");
  }
}
