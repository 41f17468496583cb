package io.flotilla.console.app.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import atlantafx.base.controls.Notification;
import atlantafx.base.theme.Styles;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.layout.StackPane;
import javafx.stage.Stage;
import javafx.stage.Window;
import javafx.util.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;
import org.testfx.api.FxToolkit;
import org.testfx.util.WaitForAsyncUtils;

/**
 * Alarm notifications, headless: one at once, then a burst coalesced into one summary; a click opens the
 * subject; the toast fades after its time; no notification opens a window or builds new nodes.
 */
class AlarmNotifierTest extends FxRobot {
  private Stage stage;
  private final ObservableList<Alarm> alarms = FXCollections.observableArrayList();
  private final List<Alarm> opened = new ArrayList<>();
  private AlarmNotifier notifier;

  @BeforeEach
  void setUp() throws Exception {
    stage = FxToolkit.registerPrimaryStage();
    fx(() -> {
      notifier = new AlarmNotifier(alarms, opened::add, Duration.millis(1500), Duration.millis(1200));
      StackPane layers = new StackPane(notifier.node());
      stage.setScene(new Scene(layers, 600, 400));
      stage.show();
      return null;
    });
  }

  @AfterEach
  void tearDown() throws Exception {
    FxToolkit.cleanupStages();
  }

  private static <T> T fx(Callable<T> c) throws Exception {
    return WaitForAsyncUtils.asyncFx(c).get(5, TimeUnit.SECONDS);
  }

  private static Alarm alarm(String title) {
    return alarm(title, Alarm.Severity.WARNING, 1);
  }

  private static Alarm alarm(String title, Alarm.Severity severity, long round) {
    return new Alarm(Instant.now(), severity, title, "why", null, round);
  }

  private void raise(Alarm... newestLast) throws Exception {
    fx(() -> {
      for (Alarm a : newestLast) {
        alarms.add(0, a);
      }
      return null;
    });
  }

  private String message() throws Exception {
    return fx(() -> ((Notification) notifier.node()).getMessage());
  }

  @Test
  void aBurstOfAlarmsBecomesOneNotificationAfterTheQuietTime() throws Exception {
    raise(alarm("Round 1 aborted"));
    assertThat(fx(notifier::shown)).isEqualTo(1);
    assertThat(fx(notifier::lastTitle)).isEqualTo("Round 1 aborted");
    assertThat(fx(notifier::isShowing)).isTrue();
    assertThat(message()).isEqualTo("Round 1 aborted\nwhy");
    raise(alarm("Round 2 aborted"), alarm("Participant p3 suspended"), alarm("Round 3 aborted"));
    assertThat(fx(notifier::shown)).isEqualTo(1); // still quiet
    await().atMost(java.time.Duration.ofSeconds(5)).until(() -> fx(notifier::shown) == 2);
    assertThat(fx(notifier::lastTitle)).isEqualTo("3 alarms");
    assertThat(message()).isEqualTo("3 alarms\nRound 3 aborted\nParticipant p3 suspended\nRound 2 aborted");
  }

  @Test
  void clickingTheNotificationOpensItsNewestAlarmAndHidesIt() throws Exception {
    Alarm a = alarm("Participant p7 suspended", Alarm.Severity.ERROR, 4);
    raise(a);
    assertThat(fx(() -> notifier.node().getStyleClass())).contains(Styles.DANGER).doesNotContain(Styles.WARNING);
    WaitForAsyncUtils.waitForFxEvents();
    clickOn("#alarmToast");
    WaitForAsyncUtils.waitForFxEvents();
    assertThat(opened).containsExactly(a);
    assertThat(fx(notifier::isShowing)).isFalse();
  }

  @Test
  void theCloseButtonHidesTheNotificationWithoutOpeningAnything() throws Exception {
    raise(alarm("Round 9 aborted"));
    WaitForAsyncUtils.waitForFxEvents();
    Node close = fx(() -> from(notifier.node()).lookup(".close-button").query());
    clickOn(close);
    WaitForAsyncUtils.waitForFxEvents();
    assertThat(opened).isEmpty();
    assertThat(fx(notifier::isShowing)).isFalse();
  }

  @Test
  void theNotificationFadesOutAfterItsTime() throws Exception {
    raise(alarm("Round 1 aborted"));
    assertThat(fx(notifier::isShowing)).isTrue();
    await().atMost(java.time.Duration.ofSeconds(5)).until(() -> !fx(notifier::isShowing));
    assertThat(opened).isEmpty();
  }

  @Test
  void notificationsReuseOneNodeInTheWindowAndOpenNoWindow() throws Exception {
    Node toast = notifier.node();
    int windows = fx(() -> Window.getWindows().size());
    raise(alarm("Round 0 aborted"));
    WaitForAsyncUtils.waitForFxEvents();
    int nodes = fx(() -> count(stage.getScene().getRoot())); // the skin's text for a message
    for (int i = 1; i <= 3; i++) {
      raise(alarm("Round " + i + " aborted", i % 2 == 0 ? Alarm.Severity.ERROR : Alarm.Severity.WARNING, i));
      int shown = i + 1;
      await().atMost(java.time.Duration.ofSeconds(5)).until(() -> fx(notifier::shown) == shown);
      WaitForAsyncUtils.waitForFxEvents();
      assertThat(fx(() -> Window.getWindows().size())).isEqualTo(windows);
      assertThat(fx(() -> count(stage.getScene().getRoot()))).isEqualTo(nodes);
      assertThat(notifier.node()).isSameAs(toast);
    }
  }

  private static int count(Node n) {
    int c = 1;
    if (n instanceof javafx.scene.Parent p) {
      for (Node child : p.getChildrenUnmodifiable()) {
        c += count(child);
      }
    }
    return c;
  }
}
