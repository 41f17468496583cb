package io.flotilla.console.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.flotilla.console.app.console.ConsoleViewModel;
import io.flotilla.console.app.scenario.ScenarioCatalog;
import io.flotilla.sim.inprocess.SimulationConfig;
import java.time.Duration;
import javafx.scene.control.ListView;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxToolkit;

/** The scenario chooser replaces the running federation with the chosen scenario's, headless. */
class ScenarioSwitchTest extends ConsoleAppTest {

  @Test
  void choosingABuiltInScenarioStopsTheRunningFederationAndLoadsTheChosenOne() throws Exception {
    SimulationConfig tiny = SimulationConfig.builder().dataset("synthetic:0,0").participants(4).perRound(2)
        .rounds(200).model("logreg").roundInterval(Duration.ofMillis(100)).build();
    FxToolkit.registerPrimaryStage();
    app = (FlotillaConsoleApp) FxToolkit.setupApplication(() -> new FlotillaConsoleApp(
        new ConsoleOptions(tiny, true).withScenario("tiny", tiny)));
    await().atMost(Duration.ofSeconds(30)).until(() -> fx(() -> app.viewModel().chipProperty().get())
        == ConsoleViewModel.Chip.RUNNING);
    awaitSettled();
    var before = fx(() -> app.viewModel().federation());
    assertThat(fx(() -> app.viewModel().summaryProperty().get())).startsWith("4 participants");

    clickOn("#scenario");
    await().atMost(Duration.ofSeconds(10)).until(() -> fx(() -> lookup("#scenarioList").queryAs(ListView.class)
        .getItems().size()) == ScenarioCatalog.builtInNames().size());
    fx(() -> {
      @SuppressWarnings("unchecked")
      ListView<ScenarioCatalog.Entry> list = lookup("#scenarioList").queryAs(ListView.class);
      list.getSelectionModel().select(list.getItems().stream().filter(e -> e.name().equals("demo-synthetic"))
          .findFirst().orElseThrow());
      return null;
    });
    clickOn("#runScenario");

    await().atMost(Duration.ofSeconds(60)).until(() -> fx(() -> app.viewModel().chipProperty().get())
        == ConsoleViewModel.Chip.READY && fx(() -> app.viewModel().federation()) != null);
    awaitSettled();
    assertThat(fx(() -> app.viewModel().summaryProperty().get())).startsWith("30 participants · 10 per round");
    assertThat(fx(() -> app.options().scenario())).isEqualTo("demo-synthetic");
    assertThat(fx(() -> app.viewModel().federation())).isNotSameAs(before);
    await().atMost(Duration.ofSeconds(20)).until(() -> before.state().isTerminal());
    // the chosen federation waits for Start, although the first one started by itself
    Thread.sleep(300);
    assertThat(fx(() -> app.viewModel().chipProperty().get())).isEqualTo(ConsoleViewModel.Chip.READY);
    assertThat(fx(() -> lookup("#scenario").queryButton().getText())).isEqualTo("demo-synthetic");
  }
}
