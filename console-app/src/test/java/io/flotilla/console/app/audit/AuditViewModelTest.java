package io.flotilla.console.app.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.flotilla.console.app.FakeHistory;
import io.flotilla.console.app.TestEvents;
import io.flotilla.console.app.console.OperationTracker;
import io.flotilla.console.app.history.AuditRecord;
import io.flotilla.console.app.history.ChainStatus;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class AuditViewModelTest {
  private final TestEvents ev = new TestEvents();
  private final FakeHistory history = new FakeHistory();
  private final OperationTracker tracker = new OperationTracker();
  private final AuditViewModel vm = new AuditViewModel(Runnable::run, Runnable::run, tracker,
      Clock.fixed(Instant.parse("2025-01-01T10:00:00Z"), ZoneOffset.UTC));

  @Test
  void entriesLoadNewestFirstThenIncrementally() {
    history.addAudit("federation.created", "f");
    history.addAudit("participant.joined", "p1");
    vm.attach(history); // loads once, shown or not (the page's rows are built before its first visit)
    assertThat(vm.entries()).extracting(AuditRecord::action).containsExactly("participant.joined", "federation.created");
    assertThat(history.auditLimits).containsExactly(AuditViewModel.MAX_ENTRIES);
    vm.active(true); // shown: an incremental reload (not every audited action raises an event)
    assertThat(vm.entries()).hasSize(2);
    assertThat(history.auditLimits).containsExactly(AuditViewModel.MAX_ENTRIES, AuditViewModel.INCREMENT);
    assertThat(vm.chainTextProperty().get()).startsWith("Chain intact · 2 entries");

    history.addAudit("round.committed", "round 1");
    vm.tick(); // nothing marked it stale yet
    assertThat(vm.entries()).hasSize(2);
    vm.apply(List.of(ev.committed(1, 1, 1, 10, 0.5, 1, 10)));
    vm.tick();
    assertThat(vm.entries()).extracting(AuditRecord::seq).containsExactly(3L, 2L, 1L);
    assertThat(history.auditLimits).containsExactly(AuditViewModel.MAX_ENTRIES, AuditViewModel.INCREMENT,
        AuditViewModel.INCREMENT);
  }

  @Test
  void searchLooksAtActorActionSubjectAndDetails() {
    history.addAudit("round.committed", "round 1");
    history.addAudit("model.rolled_back", "version 3");
    history.addAudit("round.committed", "round 2");
    vm.attach(history);
    vm.active(true);
    vm.searchProperty().set("rolled");
    assertThat(vm.entries()).extracting(AuditRecord::subject).containsExactly("version 3");
    assertThat(vm.countTextProperty().get()).isEqualTo("1 of 3 entries");
    vm.searchProperty().set("ROUND 2");
    assertThat(vm.entries()).extracting(AuditRecord::seq).containsExactly(3L);
    vm.searchProperty().set("2");
    assertThat(vm.entries()).extracting(AuditRecord::seq).contains(2L, 3L);
  }

  @Test
  void aBrokenChainIsNamedAndVerifyShowsProgress() {
    history.addAudit("round.committed", "round 1");
    vm.attach(history);
    vm.active(true);
    history.chain = new ChainStatus(4, 5, "entry 5 (round.committed round 4): content does not match its hash");
    vm.verifyNow();
    assertThat(vm.chainProperty().get().intact()).isFalse();
    assertThat(vm.chainTextProperty().get()).startsWith("Chain BROKEN at entry 5: entry 5 (round.committed");
    assertThat(tracker.running()).isZero();
  }
}
