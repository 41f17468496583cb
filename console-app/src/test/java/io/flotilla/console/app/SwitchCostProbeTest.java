package io.flotilla.console.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.flotilla.console.app.console.ConsoleViewModel;
import io.flotilla.console.app.console.Page;
import io.flotilla.sim.inprocess.SimulationConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxToolkit;

/**
 * A diagnostic, run on request only: what each page switch costs the FX thread in CSS and layout, with the
 * federation paused so that nothing else changes between switches. The console loads the 1,000-participant
 * demo, runs 5 rounds and pauses; then the test switches through six pages {@code flotilla.probe.reps} times
 * (3 more rounds run before the third tour) and prints, per switch, the time of the switch itself (the page
 * joins the scene and its nodes match their selectors), of {@code applyCss()} and of {@code layout()}.
 * {@code -Dflotilla.probe.warm=N} runs the console's warm-up N more times first. docs/RESULTS.md
 * ("Session 6") has the numbers:
 * <pre>
 * mvn -o -pl console-app -am test -Dsurefire.failIfNoSpecifiedTests=false -Dtest=SwitchCostProbeTest \
 *     -Dflotilla.probe=true -Dflotilla.probe.reps=12
 * </pre>
 */
@org.junit.jupiter.api.condition.EnabledIfSystemProperty(named = "flotilla.probe", matches = "true",
    disabledReason = "a diagnostic that prints timings; run it with -Dflotilla.probe=true")
class SwitchCostProbeTest extends ConsoleAppTest {
  @Test
  void printsTheCostOfEachPageSwitch() throws Exception {
    SimulationConfig config = SimulationConfig.builder()
        .dataset("synthetic:0,0").participants(1000).perRound(100).rounds(100_000)
        .model("logreg").roundInterval(Duration.ofMillis(700)).devices("mixed").build();
    FxToolkit.registerPrimaryStage();
    app = (FlotillaConsoleApp) FxToolkit.setupApplication(() -> new FlotillaConsoleApp(new ConsoleOptions(config, false)));
    await().atMost(Duration.ofMinutes(3)).until(() -> fx(() -> app.viewModel().chipProperty().get())
        != ConsoleViewModel.Chip.LOADING);
    awaitSettled();
    fx(() -> { app.viewModel().start(); return null; });
    await().atMost(Duration.ofMinutes(1))
        .until(() -> fx(() -> app.viewModel().overview().committedRoundsProperty().get()) >= 5);
    fx(() -> { app.viewModel().togglePause(); return null; });
    Thread.sleep(3000);
    for (int w = 0; w < Integer.getInteger("flotilla.probe.warm", 0); w++) {
      fx(() -> { app.consoleView().warmUp(); return null; });
      await().atMost(Duration.ofMinutes(1)).until(() -> fx(() -> !app.consoleView().warming()));
    }
    Page[] tour = {Page.TIMELINE, Page.PARTICIPANTS, Page.LEARNING, Page.OVERVIEW, Page.MODELS, Page.AUDIT};
    List<String> out = new ArrayList<>();
    for (int rep = 0; rep < Integer.getInteger("flotilla.probe.reps", 4); rep++) {
      if (rep == 2) {
        fx(() -> { app.viewModel().togglePause(); return null; });
        int c = fx(() -> app.viewModel().overview().committedRoundsProperty().get());
        await().atMost(Duration.ofMinutes(1))
            .until(() -> fx(() -> app.viewModel().overview().committedRoundsProperty().get()) >= c + 3);
        fx(() -> { app.viewModel().togglePause(); return null; });
        Thread.sleep(3000);
        out.add("-- after 3 more rounds");
      }
      int committedBefore = fx(() -> app.viewModel().overview().committedRoundsProperty().get());
      for (Page p : tour) {
        int r = rep;
        out.add(fx(() -> {
          long t0 = System.nanoTime();
          app.viewModel().show(p);
          long t1 = System.nanoTime();
          app.scene().getRoot().applyCss();
          long t2 = System.nanoTime();
          app.scene().getRoot().layout();
          long t3 = System.nanoTime();
          // the page timed is in the window, laid out (shown at the end of the switch's second pulse)
          assertThat(app.consoleView().pageNode(p).getScene()).isSameAs(app.scene());
          return String.format(Locale.ROOT, "rep %d %-12s show %5.1f  css %5.1f  layout %5.1f ms", r, p,
              (t1 - t0) / 1e6, (t2 - t1) / 1e6, (t3 - t2) / 1e6);
        }));
        await().atMost(Duration.ofSeconds(5)).until(() -> fx(() -> !app.consoleView().switching()
            && app.consoleView().pageNode(p).isVisible()));
        Thread.sleep(Long.getLong("flotilla.probe.sleep", 700));
      }
      // the premise: the federation stayed paused, so nothing but the switches changed the pages
      assertThat(fx(() -> app.viewModel().overview().committedRoundsProperty().get())).isEqualTo(committedBefore);
    }
    System.out.println("PROBE\n" + String.join("\n", out));
  }
}
