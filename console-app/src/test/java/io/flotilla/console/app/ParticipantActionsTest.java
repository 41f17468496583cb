package io.flotilla.console.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.flotilla.console.app.console.ConsoleViewModel;
import io.flotilla.console.app.console.Page;
import io.flotilla.console.app.participants.ParticipantRow;
import io.flotilla.sim.inprocess.SimulationConfig;
import java.time.Duration;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxToolkit;
import org.testfx.util.WaitForAsyncUtils;

/**
 * Suspend / Resume / Revoke on the Participants page, headless, on a tiny embedded federation whose
 * operator commands go to a {@link RecordingOperatorFederation} (the coordinator implements them on
 * another branch).
 */
class ParticipantActionsTest extends ConsoleAppTest {
  private RecordingOperatorFederation operator;

  @BeforeEach
  void launch() throws Exception {
    SimulationConfig config = SimulationConfig.builder().dataset("synthetic:0,0").participants(5).perRound(2)
        .rounds(3).model("logreg").build();
    FxToolkit.registerPrimaryStage();
    app = (FlotillaConsoleApp) FxToolkit.setupApplication(() -> new FlotillaConsoleApp(
        new ConsoleOptions(config, false)));
    await().atMost(Duration.ofSeconds(30)).until(() -> fx(() -> app.viewModel().chipProperty().get())
        == ConsoleViewModel.Chip.READY);
    awaitSettled();
    fx(() -> {
      operator = new RecordingOperatorFederation(app.viewModel().federation());
      app.viewModel().participants().attach(operator);
      app.viewModel().show(Page.PARTICIPANTS);
      return null;
    });
    awaitSwitched(app);
    await().atMost(Duration.ofSeconds(10)).until(() -> fx(() -> app.participantsView().table().getItems().size())
        == 5);
  }

  private String select(int index) throws Exception {
    return fx(() -> {
      app.participantsView().table().getSelectionModel().select(index);
      return app.participantsView().table().getSelectionModel().getSelectedItem().id();
    });
  }

  private boolean disabled(String id) throws Exception {
    return fx(() -> lookup(id).queryAs(Button.class).isDisabled());
  }

  @Test
  void suspendAsksForAReasonAndSendsItWithTheOperatorsName() throws Exception {
    assertThat(disabled("#suspendParticipant")).as("nothing selected").isTrue();
    String id = select(0);
    assertThat(disabled("#suspendParticipant")).isFalse();
    assertThat(disabled("#resumeParticipant")).as("it is not suspended").isTrue();

    clickOn("#suspendParticipant");
    WaitForAsyncUtils.waitForFxEvents();
    assertThat(lookup(".dialog-pane .header-panel .label").queryAs(Label.class).getText())
        .isEqualTo("Suspend " + id + "?");
    assertThat(disabled("#confirmAction")).as("a reason is required").isTrue();
    clickOn("#cancelAction");
    WaitForAsyncUtils.waitForFxEvents();
    assertThat(operator.calls).isEmpty();

    clickOn("#suspendParticipant");
    clickOn("#actionReason").write("tampered");
    clickOn("#confirmAction");
    await().atMost(Duration.ofSeconds(5)).until(() -> !operator.calls.isEmpty());
    RecordingOperatorFederation.Call call = operator.calls.get(0);
    assertThat(call.command()).isEqualTo("suspend");
    assertThat(call.participantId()).isEqualTo(id);
    assertThat(call.actor()).startsWith("console:");
    assertThat(call.reason()).isEqualTo("tampered");
    await().atMost(Duration.ofSeconds(5)).until(() -> fx(() ->
        lookup("#participantActionMessage").queryAs(Label.class).getText()).equals(id + " suspended"));
  }

  @Test
  void aRefusedActionShowsAnErrorNotificationAndChangesNothing() throws Exception {
    operator.failWith = new UnsupportedOperationException("revoke is not supported here");
    String id = select(1);
    clickOn("#revokeParticipant");
    clickOn("#actionReason").write("left");
    clickOn("#confirmAction");
    await().atMost(Duration.ofSeconds(5)).until(() -> fx(() -> app.notifier().shown()) >= 1);
    assertThat(fx(() -> app.notifier().lastTitle())).isEqualTo("Revoke " + id + " failed");
    assertThat(fx(() -> app.viewModel().alarms().get(0).text()))
        .isEqualTo("Could not revoke " + id + ": this federation does not support it yet (revoke is not supported here)");
    assertThat(fx(() -> lookup("#participantActionMessage").queryAs(Label.class).getText()))
        .startsWith("Could not revoke " + id);
    ParticipantRow row = fx(() -> app.viewModel().participants().find(id));
    assertThat(fx(row::state)).isEqualTo("ACTIVE");
    assertThat(operator.calls).hasSize(1);
  }
}
