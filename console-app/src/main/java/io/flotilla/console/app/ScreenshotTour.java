package io.flotilla.console.app;

import io.flotilla.console.app.console.ConsoleView;
import io.flotilla.console.app.console.Page;
import io.flotilla.console.app.enrollments.SampleEnrollment;
import io.flotilla.console.app.faults.FaultsViewModel;
import io.flotilla.console.app.participants.ParticipantRow;
import io.flotilla.console.app.timeline.RoundDetails;
import io.flotilla.console.app.timeline.TimelineModel;
import io.flotilla.console.app.tuning.TuningViewModel;
import io.flotilla.sim.data.DriftPlan;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javafx.animation.PauseTransition;
import javafx.application.Platform;
import javafx.scene.image.WritableImage;
import javafx.util.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code --screenshot-dir} tour: once the embedded federation has committed a number of rounds (system
 * property {@code flotilla.screenshots.rounds}, default 40) the console shows each page in turn, with
 * something opened in the details drawer where that is what the page is for, saves a PNG of the window's
 * scene for each, and exits. Pictures are taken on the FX thread and written on a background thread.
 *
 * <p>So that every page has something to show, the tour works the console as an operator would while the
 * rounds run: a third of the way in it shifts one participant's data (label shift) and cuts another's
 * network from the Simulator page, two thirds in it asks for a calibration round, and as soon as the
 * federation's trust store is open it queues one enrollment request ({@link SampleEnrollment}). It waits for
 * the drift alarm and the calibration's results (up to the give-up time) before the pictures.
 *
 * <p>Thread-safety: FX thread only (it schedules itself with animation timers).
 */
final class ScreenshotTour {
  private static final Logger log = LoggerFactory.getLogger(ScreenshotTour.class);
  private static final int ROUNDS = Integer.getInteger("flotilla.screenshots.rounds", 40);
  private static final Duration SETTLE = Duration.millis(1200);
  private static final Duration GIVE_UP = Duration.minutes(4);

  private final FlotillaConsoleApp app;
  private final Path dir;
  private final ExecutorService writer = Executors.newSingleThreadExecutor(r -> new Thread(r, "flotilla-screenshots"));
  private final List<Step> steps = new ArrayList<>();
  private long waitedMillis;
  private boolean faultsInjected;
  private boolean calibrationAsked;
  private boolean enrollmentAsked;
  private String drifted;

  private record Step(String name, Runnable setup) {}

  ScreenshotTour(FlotillaConsoleApp app, Path dir) {
    this.app = app;
    this.dir = dir;
    steps.add(new Step("overview", () -> page(Page.OVERVIEW)));
    steps.add(new Step("timeline", this::timeline));
    steps.add(new Step("participants", this::participants));
    steps.add(new Step("learning", () -> page(Page.LEARNING)));
    steps.add(new Step("models", this::models));
    steps.add(new Step("audit", () -> page(Page.AUDIT)));
    steps.add(new Step("drift", this::drift));
    steps.add(new Step("calibration", () -> page(Page.CALIBRATION)));
    steps.add(new Step("simulator", () -> page(Page.FAULTS)));
    steps.add(new Step("enrollments", () -> page(Page.ENROLLMENTS)));
    steps.add(new Step("tuning", this::tuning));
    steps.add(new Step("overview-dark", () -> {
      app.consoleView().themeProperty().set(ConsoleView.Theme.DARK);
      page(Page.OVERVIEW);
    }));
    steps.add(new Step("timeline-dark", this::timeline));
  }

  void start() {
    log.info("screenshot tour: waiting for {} committed rounds, then saving to {}", ROUNDS, dir);
    waitForRounds();
  }

  private void waitForRounds() {
    int committed = app.viewModel().overview().committedRoundsProperty().get();
    boolean failed = app.viewModel().chipProperty().get() == io.flotilla.console.app.console.ConsoleViewModel.Chip.FAILED;
    try {
      operate(committed);
    } catch (RuntimeException e) {
      log.warn("screenshot tour: preparing the pages failed", e);
    }
    boolean shown = committed >= ROUNDS && driftRaised() && !app.viewModel().calibration().history().isEmpty();
    if (shown || failed || waitedMillis >= GIVE_UP.toMillis()) {
      if (!shown) {
        log.warn("screenshot tour: {} rounds committed, drift alarm {}, calibration {}; taking the pictures anyway",
            committed, driftRaised(), !app.viewModel().calibration().history().isEmpty());
      }
      next(0);
      return;
    }
    waitedMillis += 500;
    later(Duration.millis(500), this::waitForRounds);
  }

  /** What an operator would do while the rounds run, so the later pages have content. FX thread. */
  private void operate(int committed) {
    if (!enrollmentAsked && app.enrollments().trust() != null) {
      enrollmentAsked = true;
      SampleEnrollment.request(app.enrollments(), "edge-7", "laptop", "eu", writer).whenComplete((id, e) -> {
        if (e != null) {
          log.warn("screenshot tour: the sample enrollment request failed", e);
        } else {
          log.info("screenshot tour: enrollment request {} is pending", id);
        }
        Platform.runLater(app.enrollments()::refresh);
      });
    }
    FaultsViewModel faults = app.faults();
    if (!faultsInjected && committed >= ROUNDS / 3 && faults.participants().size() >= 2) {
      faultsInjected = true;
      List<String> ids = faults.participants();
      drifted = ids.get(ids.size() / 2);
      faults.inject(FaultsViewModel.Kind.DRIFT, drifted, 0, null, DriftPlan.Kind.LABEL_SHIFT);
      faults.inject(FaultsViewModel.Kind.CUT, ids.get(ids.size() - 1), 6, null, null);
    }
    if (!calibrationAsked && committed >= 2 * ROUNDS / 3) {
      calibrationAsked = true;
      app.viewModel().calibration().run("screenshot tour: calibration after the data shift");
    }
  }

  private boolean driftRaised() {
    return drifted != null
        && app.viewModel().drift().alarms().stream().anyMatch(a -> Objects.equals(drifted, a.participantId()));
  }

  private void next(int i) {
    if (i >= steps.size()) {
      finish();
      return;
    }
    Step s = steps.get(i);
    try {
      s.setup().run();
    } catch (RuntimeException e) {
      log.warn("screenshot tour: setting up '{}' failed", s.name(), e);
    }
    later(SETTLE, () -> {
      if ("timeline".equals(s.name()) || "timeline-dark".equals(s.name())) {
        hoverSelectedRound();
        app.timelineView().drawNow();
      }
      WritableImage image = ConsoleScreenshots.capture(app.scene());
      Path png = dir.resolve(String.format("%02d-%s.png", i + 1, s.name()));
      writer.execute(() -> {
        ConsoleScreenshots.write(image, png);
        log.info("screenshot tour: wrote {}", png);
      });
      next(i + 1);
    });
  }

  private void finish() {
    writer.shutdown();
    Thread t = new Thread(() -> {
      try {
        writer.awaitTermination(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      Platform.runLater(Platform::exit);
    }, "flotilla-screenshots-exit");
    t.start();
  }

  private static void later(Duration d, Runnable r) {
    PauseTransition p = new PauseTransition(d);
    p.setOnFinished(e -> r.run());
    p.play();
  }

  private void page(Page p) {
    app.consoleView().drawer().close();
    app.viewModel().show(p);
  }

  private void timeline() {
    page(Page.TIMELINE);
    TimelineModel m = app.viewModel().timeline().model();
    long last = m.lastRoundId();
    long from = m.startOf(Math.max(1, last - 24));
    if (from > 0) {
      app.viewModel().timeline().viewport().show(from, m.latestMs());
      app.viewModel().timeline().follow(true);
    }
    long interesting = -1;
    for (long r = last - 1; r > Math.max(0, last - 24) && interesting < 0; r--) {
      RoundDetails d = m.details(r);
      if (d != null && d.answers().stream().anyMatch(a -> a.outcome().isBad())) {
        interesting = r;
      }
    }
    app.openRound(interesting > 0 ? interesting : Math.max(1, last - 1));
  }

  private void hoverSelectedRound() {
    long r = app.viewModel().timeline().selectedRoundProperty().get();
    RoundDetails d = app.viewModel().timeline().model().details(r);
    if (d == null) {
      return;
    }
    String who = d.answers().stream().filter(a -> a.outcome().isBad()).map(RoundDetails.Answer::participantId)
        .findFirst().orElse(d.answers().isEmpty() ? null : d.answers().get(0).participantId());
    if (who == null) {
      return;
    }
    app.timelineView().drawNow();
    double[] at = app.timelineView().pointOf(who, r);
    if (at != null) {
      app.timelineView().drawNow();
      app.timelineView().hoverAt(at[0], at[1]);
    }
  }

  private void participants() {
    page(Page.PARTICIPANTS);
    ParticipantRow pick = null;
    for (ParticipantRow row : app.viewModel().participants().all()) {
      if ("SUSPENDED".equals(row.state())) {
        pick = row;
        break;
      }
      if (pick == null && row.healthProperty().get() != ParticipantRow.Health.GOOD) {
        pick = row;
      }
    }
    if (pick != null) {
      app.participantsView().table().getSelectionModel().select(pick);
      app.openParticipant(pick);
    }
  }

  private void drift() {
    page(Page.DRIFT);
    if (drifted != null) {
      app.viewModel().drift().select(drifted);
    }
    app.driftView().redraw();
  }

  /** Tuning with a draft in the property sheet: the round settings, and a strategy other than the one in force. */
  private void tuning() {
    page(Page.TUNING);
    TuningViewModel t = app.tuning();
    if (!t.parameters("trimmed-mean").isEmpty()) {
      t.chooseStrategy("trimmed-mean");
      app.tuningView().rebuildSheet();
    }
  }

  private void models() {
    page(Page.MODELS);
    if (app.modelsView().table().getItems().size() > 3) {
      app.modelsView().table().getSelectionModel().select(3);
      app.openVersion(app.modelsView().table().getItems().get(3));
    }
  }
}
