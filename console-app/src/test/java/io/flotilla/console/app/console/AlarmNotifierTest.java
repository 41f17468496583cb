package io.flotilla.console.app.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Instant;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.scene.Scene;
import javafx.scene.layout.StackPane;
import javafx.stage.Stage;
import javafx.util.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxToolkit;
import org.testfx.util.WaitForAsyncUtils;

/** Alarm notifications, headless: one at once, then a burst coalesced into one summary. */
class AlarmNotifierTest {
  private Stage stage;
  private final ObservableList<Alarm> alarms = FXCollections.observableArrayList();
  private AlarmNotifier notifier;

  @BeforeEach
  void setUp() throws Exception {
    stage = FxToolkit.registerPrimaryStage();
    fx(() -> {
      stage.setScene(new Scene(new StackPane(), 400, 300));
      stage.show();
      notifier = new AlarmNotifier(alarms, () -> stage, a -> { }, Duration.millis(1500));
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
    return new Alarm(Instant.now(), Alarm.Severity.WARNING, title, "why", null, 1);
  }

  @Test
  void aBurstOfAlarmsBecomesOneNotificationAfterTheQuietTime() throws Exception {
    fx(() -> {
      alarms.add(0, alarm("Round 1 aborted"));
      return null;
    });
    assertThat(fx(notifier::shown)).isEqualTo(1);
    assertThat(fx(notifier::lastTitle)).isEqualTo("Round 1 aborted");
    fx(() -> {
      alarms.add(0, alarm("Round 2 aborted"));
      alarms.add(0, alarm("Participant p3 suspended"));
      alarms.add(0, alarm("Round 3 aborted"));
      return null;
    });
    assertThat(fx(notifier::shown)).isEqualTo(1); // still quiet
    await().atMost(java.time.Duration.ofSeconds(5)).until(() -> fx(notifier::shown) == 2);
    assertThat(fx(notifier::lastTitle)).isEqualTo("3 alarms");
  }
}
