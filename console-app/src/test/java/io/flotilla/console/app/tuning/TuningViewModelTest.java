package io.flotilla.console.app.tuning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flotilla.engine.api.Extensions;
import io.flotilla.engine.api.Federation;
import io.flotilla.engine.api.FederationConfig;
import io.flotilla.engine.api.FederationEvent;
import io.flotilla.engine.api.Subscription;
import io.flotilla.engine.api.Tuning;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The tuning page's draft, diff and apply, without the FX toolkit, against a federation that records tune. */
class TuningViewModelTest {
  private final List<Tuning> tuned = new ArrayList<>();
  private final List<Consumer<FederationEvent>> listeners = new ArrayList<>();
  private CompletableFuture<Long> answer = CompletableFuture.completedFuture(4L);
  private TuningViewModel vm;

  @BeforeEach
  void attach() {
    FederationConfig config = FederationConfig.builder().name("t").rounds(10).perRound(4).minUpdates(2)
        .roundDeadline(Duration.ofSeconds(5)).learningRate(0.1f).localEpochs(1).build();
    Federation fed = (Federation) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Federation.class},
        (proxy, m, args) -> switch (m.getName()) {
          case "config" -> config;
          case "tune" -> {
            tuned.add((Tuning) args[0]);
            yield answer;
          }
          case "subscribe" -> {
            @SuppressWarnings("unchecked")
            Consumer<FederationEvent> l = (Consumer<FederationEvent>) args[0];
            listeners.add(l);
            yield (Subscription) () -> listeners.remove(l);
          }
          default -> throw new UnsupportedOperationException(m.getName());
        });
    vm = new TuningViewModel(Runnable::run, Extensions.load());
    vm.attach(fed, "fedavg", "omar");
  }

  @Test
  void theDraftStartsAsTheSettingsInForceAndOnlyChangesAreSent() {
    assertThat(vm.draftStrategy()).isEqualTo("fedavg");
    assertThat(vm.setting("per_round")).isEqualTo("4");
    assertThat(vm.currentTextProperty().get()).contains("fedavg").contains("participants per round 4");
    assertThat(vm.strategies()).extracting(p -> p.name()).contains("fedavg", "median", "trimmed-mean");
    assertThat(vm.diff()).isEmpty();
    assertThatThrownBy(() -> vm.apply("x").join()).hasMessageContaining("nothing to apply");
    assertThat(tuned).isEmpty();

    vm.chooseStrategy("trimmed-mean");
    assertThat(vm.parameters("trimmed-mean")).isNotEmpty();
    vm.setSetting("per_round", "3");
    assertThat(vm.diff()).containsExactly("Participants per round: 4 → 3",
        "Strategy: fedavg → " + Tuning.describe(Extensions.load().strategy("trimmed-mean")));
    assertThat(vm.apply("robustness").join()).isEqualTo(4L);
    assertThat(tuned).singleElement().satisfies(t -> {
      assertThat(t.perRound()).isEqualTo(3);
      assertThat(t.strategy().name()).isEqualTo("trimmed-mean");
      assertThat(t.learningRate()).isNull();
    });
    assertThat(vm.messageProperty().get()).isEqualTo("Applies from round 4");
  }

  @Test
  void anInvalidDraftIsRefusedNamingTheSettingAndNothingIsSent() {
    vm.setSetting("learning_rate", "fast");
    assertThatThrownBy(() -> vm.apply("x").join()).hasMessageContaining("Local learning rate: 'fast' is not a number");
    vm.setSetting("learning_rate", "0.1");
    vm.setSetting("local_epochs", "0");
    assertThatThrownBy(() -> vm.apply("x").join()).hasMessageContaining("local epochs must be positive");
    assertThat(vm.messageProperty().get()).startsWith("Not applied:");
    assertThat(tuned).isEmpty();
  }

  @Test
  void aRefusalByTheFederationIsShownAndConfigChangesMoveTheStrategyOfLaterRounds() {
    answer = CompletableFuture.failedFuture(new IllegalArgumentException("'olga' (role observer) may not tune"));
    vm.chooseStrategy("median");
    assertThatThrownBy(() -> vm.apply("x").join()).hasMessageContaining("may not tune");
    assertThat(vm.messageProperty().get()).isEqualTo("Not applied: 'olga' (role observer) may not tune");

    for (Consumer<FederationEvent> l : List.copyOf(listeners)) {
      l.accept(new FederationEvent.ConfigChanged(9, Instant.now(), 5, Map.of("strategy", "fedavg"),
          Map.of("strategy", "median", "per_round", "3"), "omar", "why"));
    }
    assertThat(vm.strategyFor(4)).isEqualTo("fedavg");
    assertThat(vm.strategyFor(5)).isEqualTo("median");
    assertThat(vm.strategyFor(9)).isEqualTo("median");
    assertThat(vm.current("per_round")).isEqualTo("3");
    assertThat(vm.draftStrategy()).as("the draft follows what is in force").isEqualTo("median");
    assertThat(vm.diff()).isEmpty();
  }
}
