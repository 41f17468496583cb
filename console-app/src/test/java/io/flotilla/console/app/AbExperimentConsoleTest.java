package io.flotilla.console.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fair_acc.dataset.DataSet;
import io.flotilla.console.app.console.ConsoleViewModel;
import io.flotilla.console.app.console.Page;
import io.flotilla.console.app.enrollments.OperatorIdentity;
import io.flotilla.console.app.history.AuditRecord;
import io.fair_acc.chartfx.XYChart;
import io.flotilla.console.app.session.ServeSpec;
import io.flotilla.engine.security.Role;
import io.flotilla.sim.inprocess.SimulationConfig;
import java.time.Duration;
import java.util.List;
import javafx.scene.Node;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.TextField;
import javafx.scene.control.Tooltip;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxToolkit;
import org.testfx.util.WaitForAsyncUtils;

/**
 * Headless: an A/B experiment started from the Tuning page runs beside the console's federation, its two
 * arms' curves are overlaid on the Learning page with a verdict, and start and verdict are in the audit log;
 * an observer's start is refused (audited, nothing runs); a served federation's section is disabled and says
 * why.
 */
class AbExperimentConsoleTest extends ConsoleAppTest {

  private void launch(OperatorIdentity who, ServeSpec serve) throws Exception {
    SimulationConfig config = SimulationConfig.builder().dataset("synthetic:0,0").participants(6).perRound(3)
        .minUpdates(1).rounds(1000).model("logreg").seed(3).build();
    FxToolkit.registerPrimaryStage();
    ConsoleOptions options = new ConsoleOptions(config, false).withServe(serve);
    app = (FlotillaConsoleApp) FxToolkit.setupApplication(() -> new FlotillaConsoleApp(options, who));
    await().atMost(Duration.ofSeconds(30)).until(() -> fx(() -> app.viewModel().chipProperty().get())
        == ConsoleViewModel.Chip.READY);
    awaitSettled();
    await().atMost(Duration.ofSeconds(10)).until(() -> fx(() -> app.abExperiment().unavailableReasonProperty().get()
        .contains("loading")) == false);
    showPage(Page.TUNING);
  }

  /** The audit entries of {@code action} loaded so far (and asks for newer ones: call it in an await). */
  private List<AuditRecord> audit(String action) throws Exception {
    return fx(() -> {
      app.viewModel().audit().refresh();
      return app.viewModel().audit().entries().stream().filter(r -> r.action().equals(action)).toList();
    });
  }

  @SuppressWarnings("unchecked")
  private List<DataSet> dataSets(String chartId) throws Exception {
    return fx(() -> List.copyOf(lookup(chartId).queryAs(XYChart.class).getRenderers().get(0).getDatasets()));
  }

  private void draft(String strategy, String split, String rounds) throws Exception {
    fx(() -> {
      @SuppressWarnings("unchecked")
      ComboBox<String> s = lookup("#abStrategy").queryAs(ComboBox.class);
      s.setValue(strategy);
      @SuppressWarnings("unchecked")
      ComboBox<String> sp = lookup("#abSplit").queryAs(ComboBox.class);
      sp.setValue(split);
      lookup("#abRounds").queryAs(TextField.class).setText(rounds);
      return null;
    });
  }

  @Test
  void anAbExperimentStartedOnTheTuningPageIsOverlaidOnTheLearningPageWithAVerdict() throws Exception {
    launch(new OperatorIdentity("omar", Role.OPERATOR), null);
    draft("median", "alternate", "4");
    draft("trimmed-mean", "alternate", "4");
    // strategy B's parameters are edited in its property sheet, as in the strategy switcher
    fx(() -> {
      var beta = app.tuningView().abView().sheet().getItems().stream().filter(i -> i.getName().equals("beta"))
          .findFirst().orElseThrow();
      assertThat(beta.getCategory()).isEqualTo("Strategy B: trimmed-mean");
      beta.setValue(0.2);
      return null;
    });
    clickOn("#startAb");
    WaitForAsyncUtils.waitForFxEvents();
    assertThat(fx(() -> lookup("#abPlan").queryAs(Label.class).getText()))
        .contains("A: fedavg — 3 participants", "B: trimmed-mean:beta=0.2 — 3 participants", "split alternate", "4 rounds each");
    clickOn("#confirmAb");
    await().atMost(Duration.ofSeconds(60)).until(() -> fx(() -> app.abCurves().result()) != null);
    await().atMost(Duration.ofSeconds(10)).until(() -> !fx(() -> app.abExperiment().runningProperty().get()));
    assertThat(fx(() -> app.abExperiment().messageProperty().get())).startsWith("Ended: ");
    // the console's own federation was not touched
    assertThat(fx(() -> app.viewModel().federation().state().name())).isEqualTo("CREATED");

    showPage(Page.LEARNING);
    WaitForAsyncUtils.waitForFxEvents();
    Node card = lookup("#abOverlay").query();
    assertThat(fx(card::isVisible)).isTrue();
    List<DataSet> accuracy = dataSets("#abAccuracyChart");
    List<DataSet> loss = dataSets("#abLossChart");
    assertThat(accuracy).extracting(DataSet::getName).containsExactly("A: fedavg (n=3)", "B: trimmed-mean:beta=0.2 (n=3)");
    assertThat(loss).extracting(DataSet::getName).containsExactly("A: fedavg (n=3)", "B: trimmed-mean:beta=0.2 (n=3)");
    await().atMost(Duration.ofSeconds(10)).until(() -> accuracy.stream().allMatch(d -> d.getDataCount() == 4)
        && loss.stream().allMatch(d -> d.getDataCount() == 4));
    var result = fx(() -> app.abCurves().result());
    assertThat(accuracy.get(0).get(DataSet.DIM_Y, 3)).isEqualTo(result.a().curve().get(3).get("test_accuracy"));
    assertThat(accuracy.get(1).get(DataSet.DIM_Y, 3)).isEqualTo(result.b().curve().get(3).get("test_accuracy"));
    String verdict = fx(() -> lookup("#abVerdict").queryAs(Label.class).getText());
    assertThat(verdict).isIn("No significant difference at 0.05", "A is better (fedavg, p < 0.05)",
        "B is better (trimmed-mean:beta=0.2, p < 0.05)");
    assertThat(fx(() -> lookup("#abDetails").queryAs(Label.class).getText())).contains("Wilcoxon signed-rank p = ",
        "mean accuracy difference A − B = ", "(6 participants");
    assertThat(fx(() -> lookup("#abStatus").queryAs(Label.class).getText())).startsWith("finished · A round 4, B round 4");

    showPage(Page.AUDIT);
    await().atMost(Duration.ofSeconds(10)).until(() -> audit("experiment.verdict").size() == 1);
    assertThat(audit("experiment.started")).singleElement().satisfies(r -> {
      assertThat(r.actor()).isEqualTo("omar");
      assertThat(r.subject()).isEqualTo("A/B experiment fedavg vs trimmed-mean:beta=0.2");
      assertThat(r.detail()).contains("\"rounds\":4", "\"split\":\"alternate\"");
    });
    assertThat(audit("experiment.verdict").get(0).detail()).contains(result.a().modelSha256(), result.verdict());
  }

  @Test
  void anObserverMayNotStartAnAbExperiment() throws Exception {
    launch(new OperatorIdentity("olga", Role.OBSERVER), null);
    draft("median", "random", "3");
    clickOn("#startAb");
    WaitForAsyncUtils.waitForFxEvents();
    clickOn("#confirmAb");
    await().atMost(Duration.ofSeconds(10)).until(() -> fx(() -> app.abExperiment().messageProperty().get())
        .startsWith("Not started: "));
    assertThat(fx(() -> lookup("#abMessage").queryAs(Label.class).getText()))
        .isEqualTo("Not started: 'olga' (role observer) may not tune (A/B experiment fedavg vs median)");
    await().atMost(Duration.ofSeconds(5)).until(() -> fx(() -> app.notifier().shown()) >= 1);
    assertThat(fx(() -> app.abExperiment().runningProperty().get())).isFalse();
    assertThat(fx(() -> app.abCurves().activeProperty().get())).isFalse();
    showPage(Page.AUDIT);
    await().atMost(Duration.ofSeconds(10)).until(() -> audit("operator.denied").stream()
        .anyMatch(r -> r.detail().contains("A/B experiment")));
    assertThat(audit("experiment.started")).isEmpty();
  }

  @Test
  void theSectionIsDisabledForAServedFederation() throws Exception {
    launch(new OperatorIdentity("ada", Role.ADMIN), ServeSpec.parse("127.0.0.1:0"));
    Node section = lookup("#abSection").query();
    Node start = lookup("#startAb").query();
    assertThat(fx(start::isDisabled)).isTrue();
    assertThat(fx(() -> lookup("#abRounds").query().isDisabled())).isTrue();
    assertThat(fx(() -> lookup("#abUnavailable").queryAs(Label.class).getText()))
        .startsWith("Unavailable: this federation is served to participant processes (--serve)");
    assertThat(fx(() -> ((Tooltip) section.getProperties().get("javafx.scene.control.Tooltip")).getText()))
        .contains("served to participant processes");
    // and the model refuses too, naming why, starting nothing
    fx(() -> app.abExperiment().start());
    assertThat(fx(() -> app.abExperiment().messageProperty().get()))
        .startsWith("Not started: A/B experiments are unavailable: this federation is served");
    assertThat(fx(() -> app.abCurves().activeProperty().get())).isFalse();
  }
}
