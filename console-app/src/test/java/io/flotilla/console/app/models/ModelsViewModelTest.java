package io.flotilla.console.app.models;

import static org.assertj.core.api.Assertions.assertThat;

import io.flotilla.console.app.FakeFederation;
import io.flotilla.console.app.FakeHistory;
import io.flotilla.console.app.TestEvents;
import io.flotilla.console.app.console.OperationTracker;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ModelsViewModelTest {
  private final TestEvents ev = new TestEvents();
  private final FakeFederation fed = new FakeFederation();
  private final FakeHistory history = new FakeHistory();
  private final OperationTracker tracker = new OperationTracker();
  private final ModelsViewModel vm = new ModelsViewModel(Runnable::run, Runnable::run, tracker);

  @BeforeEach
  void setUp() {
    history.versions.add(FakeHistory.version(0, false, "INITIAL", null));
    history.versions.add(FakeHistory.version(1, false, "ROUND", 0L));
    history.versions.add(FakeHistory.version(2, true, "ROUND", 1L));
    vm.attach(fed.federation, history);
  }

  @Test
  void versionsLoadOnceWhenAttachedNewestFirstThenOnlyWhileShown() {
    // read once at attach, shown or not, so the page's rows exist before its first visit
    assertThat(vm.rows()).extracting(ModelVersionRow::version).containsExactly(2L, 1L, 0L);
    assertThat(vm.currentVersionProperty().get()).isEqualTo(2);
    assertThat(history.versionReads).isEqualTo(1);
    // a commit while the page is hidden: nothing read until it is shown
    history.versions.add(FakeHistory.version(3, true, "ROUND", 2L));
    vm.apply(List.of(ev.committed(3, 3, 3, 100, 0.6, 0.5, 100)));
    vm.tick();
    assertThat(history.versionReads).isEqualTo(1);
    vm.active(true);
    assertThat(history.versionReads).isEqualTo(2);
    assertThat(vm.rows()).extracting(ModelVersionRow::version).containsExactly(3L, 2L, 1L, 0L);
  }

  @Test
  void commitsMarkTheListStaleAndTheNextTickReloadsItUpdatingRowsInPlace() {
    vm.active(true);
    ModelVersionRow v2 = vm.rows().get(0);
    history.versions.set(2, FakeHistory.version(2, false, "ROUND", 1L));
    history.versions.add(FakeHistory.version(3, true, "ROUND", 2L));
    vm.apply(List.of(ev.committed(3, 3, 3, 100, 0.6, 0.5, 100)));
    assertThat(vm.currentVersionProperty().get()).isEqualTo(3);
    int reads = history.versionReads;
    vm.tick();
    assertThat(history.versionReads).isEqualTo(reads + 1);
    assertThat(vm.rows()).extracting(ModelVersionRow::version).containsExactly(3L, 2L, 1L, 0L);
    assertThat(vm.rows().get(1)).isSameAs(v2);
    assertThat(v2.isCurrent()).isFalse();
    vm.tick(); // nothing new: no read
    assertThat(history.versionReads).isEqualTo(reads + 1);
  }

  @Test
  void rollbackGoesThroughTheFederationAndShowsTheNewCurrentVersion() {
    vm.active(true);
    CompletableFuture<Long> done = vm.rollback(1, "accuracy dropped");
    assertThat(fed.commands).containsExactly("rollback 1 accuracy dropped");
    assertThat(tracker.busyProperty().get()).isTrue();
    assertThat(tracker.labelProperty().get()).isEqualTo("Rolling back to version 1…");

    history.versions.set(2, FakeHistory.version(2, false, "ROUND", 1L));
    history.versions.add(FakeHistory.version(3, true, "ROLLBACK", 1L));
    fed.rollbacks.get(0).complete(3L);

    assertThat(done).isCompletedWithValue(3L);
    assertThat(tracker.busyProperty().get()).isFalse();
    assertThat(vm.currentVersionProperty().get()).isEqualTo(3);
    assertThat(vm.messageProperty().get())
        .isEqualTo("Rolled back: version 3 holds the parameters of version 1 and is current.");
    assertThat(vm.rows().get(0).info().origin()).isEqualTo("ROLLBACK");
  }

  @Test
  void aRefusedRollbackSaysWhyAndChangesNothing() {
    vm.active(true);
    CompletableFuture<Long> done = vm.rollback(0, " ");
    assertThat(fed.commands).containsExactly("rollback 0 rolled back from the console");
    fed.rollbacks.get(0).completeExceptionally(new IllegalStateException("version 0 was purged by retention"));
    assertThat(done).isCompletedExceptionally();
    assertThat(vm.messageProperty().get()).isEqualTo("Rollback to version 0 failed: version 0 was purged by retention");
    assertThat(vm.currentVersionProperty().get()).isEqualTo(2);
    assertThat(tracker.running()).isZero();
  }

  @Test
  void exportWritesInTheBackgroundAndReportsTheFile() {
    vm.active(true);
    assertThat(vm.export(1, Path.of("/tmp/v1.safetensors"))).isCompleted();
    assertThat(history.exports).containsExactly(Path.of("/tmp/v1.safetensors"));
    assertThat(vm.messageProperty().get()).isEqualTo("Exported version 1 to /tmp/v1.safetensors");
    assertThat(vm.export(42, Path.of("/tmp/v42.safetensors"))).isCompletedExceptionally();
    assertThat(vm.messageProperty().get()).contains("failed: no model version 42");
  }

  @Test
  void theConfirmationSaysWhatARollbackDoes() {
    vm.active(true);
    String text = vm.rollbackConsequences(vm.rows().get(1));
    assertThat(text).contains("version 1").contains("round 1").contains("replacing version 2")
        .contains("Nothing is deleted").contains("audit log");
  }
}
