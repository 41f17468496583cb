package io.flotilla.console.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.flotilla.console.app.console.ConsoleViewModel;
import io.flotilla.console.app.console.Page;
import io.flotilla.console.app.enrollments.EnrollmentRow;
import io.flotilla.console.app.enrollments.OperatorIdentity;
import io.flotilla.console.app.history.AuditRecord;
import io.flotilla.engine.api.FederationState;
import io.flotilla.engine.api.ParticipantInfo;
import io.flotilla.engine.security.CertificateAuthority;
import io.flotilla.engine.security.FederationTrust;
import io.flotilla.engine.security.Role;
import io.flotilla.engine.security.TrustStore.EnrollmentRecord;
import io.flotilla.sim.inprocess.SimulationConfig;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.TableView;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxToolkit;
import org.testfx.util.WaitForAsyncUtils;

/**
 * Headless: approving an enrollment in the Enrollments page lets the participant join (it appears in the
 * participant table); switching strategy on the Tuning page shows up in the audit log and in the next
 * round's details; an observer's Start is refused with a notification and audited.
 */
class EnrollmentsAndTuningTest extends ConsoleAppTest {

  @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir;

  private void launch(OperatorIdentity who, int rounds) throws Exception {
    SimulationConfig config = SimulationConfig.builder().dataset("synthetic:0,0").participants(4).perRound(2)
        .rounds(rounds).model("logreg").build();
    FxToolkit.registerPrimaryStage();
    app = (FlotillaConsoleApp) FxToolkit.setupApplication(() -> {
      FlotillaConsoleApp a = new FlotillaConsoleApp(new ConsoleOptions(config, false), who);
      a.setBundleTarget(w -> dir.resolve("edge.bundle.json"));
      return a;
    });
    await().atMost(Duration.ofSeconds(30)).until(() -> fx(() -> app.viewModel().chipProperty().get())
        == ConsoleViewModel.Chip.READY);
    awaitSettled();
    await().atMost(Duration.ofSeconds(10)).until(() -> fx(() -> app.enrollments().trust()) != null);
  }

  private boolean audited(String action) throws Exception {
    return fx(() -> app.viewModel().audit().entries().stream().map(AuditRecord::action).anyMatch(action::equals));
  }

  @Test
  void approvingAnEnrollmentLetsTheParticipantJoinTheTable() throws Exception {
    launch(new OperatorIdentity("omar", Role.OPERATOR), 3);
    assertThat(fx(() -> lookup("#operatorRole").queryAs(Label.class).getText())).isEqualTo("omar · operator");
    // the participant's side, as `flotilla participant --enroll` does it: token, own key, CSR, request
    FederationTrust trust = fx(() -> app.enrollments().trust());
    String token = trust.createToken(Role.PARTICIPANT, "edge-1", Duration.ofHours(1), "admin").token();
    KeyPair kp = CertificateAuthority.generateKeyPair(new SecureRandom());
    EnrollmentRecord req = trust.enroll(token, CertificateAuthority.csr(kp, "edge-1"), "laptop", "eu", true, "edge-1");

    showPage(Page.ENROLLMENTS);
    @SuppressWarnings("unchecked")
    TableView<EnrollmentRow> queue = fx(() -> lookup("#enrollments").queryAs(TableView.class));
    await().atMost(Duration.ofSeconds(10)).until(() -> fx(() -> queue.getItems().size()) == 1);
    assertThat(fx(() -> queue.getItems().get(0).identity())).isEqualTo("edge-1");
    assertThat(fx(() -> app.viewModel().participants().find("edge-1"))).isNull();
    fx(() -> {
      queue.getSelectionModel().select(0);
      return null;
    });
    clickOn("#approveEnrollment");
    await().atMost(Duration.ofSeconds(10)).until(() -> fx(() -> queue.getItems().isEmpty()));
    EnrollmentRecord approved = trust.status(req.id(), token);
    assertThat(approved.status()).isEqualTo("APPROVED");
    assertThat(approved.certificatePem()).contains("BEGIN CERTIFICATE");
    assertThat(approved.decidedBy()).isEqualTo("omar");

    // the participant picks up its certificate and joins (in process here)
    app.viewModel().federation().join(new ParticipantInfo("edge-1", "laptop", 100, null), task -> { })
        .get(10, TimeUnit.SECONDS);
    await().atMost(Duration.ofSeconds(10)).until(() -> fx(() -> app.viewModel().participants().find("edge-1")) != null);
    assertThat(fx(() -> app.participantsView().table().getItems().stream().anyMatch(r -> r.id().equals("edge-1"))))
        .isTrue();
    showPage(Page.AUDIT);
    await().atMost(Duration.ofSeconds(10)).until(() -> audited("enrollment.approved"));
  }

  @Test
  void switchingStrategyShowsInTheAuditLogAndTheNextRoundsDetails() throws Exception {
    // far more rounds than can run during the test: on a loaded machine 200 rounds ended before the
    // clicks below reached Confirm, and the tuning was (rightly) refused by a finished federation
    launch(new OperatorIdentity("omar", Role.OPERATOR), 100_000);
    showPage(Page.TUNING);
    assertThat(fx(() -> lookup("#tuningCurrent").queryAs(Label.class).getText())).contains("fedavg");
    fx(() -> {
      app.viewModel().start();
      return null;
    });
    await().atMost(Duration.ofSeconds(20)).until(() -> fx(() -> app.viewModel().currentRound()) >= 1);
    fx(() -> {
      @SuppressWarnings("unchecked")
      ComboBox<String> box = lookup("#tuningStrategy").queryAs(ComboBox.class);
      box.setValue("median");
      return null;
    });
    assertThat(fx(() -> app.tuningView().sheet().getItems().stream().anyMatch(i -> i.getCategory()
        .equals("Strategy: median")))).isTrue();
    clickOn("#applyTuning");
    WaitForAsyncUtils.waitForFxEvents();
    assertThat(fx(() -> lookup("#tuningDiff").queryAs(Label.class).getText())).contains("Strategy: fedavg → median");
    clickOn("#tuningReason").write("robust to outliers");
    clickOn("#confirmTuning");
    await().atMost(Duration.ofSeconds(30)).until(() -> fx(() -> app.tuning().messageProperty().get())
        .startsWith("Applies from round "));
    long from = Long.parseLong(fx(() -> app.tuning().messageProperty().get()).replaceAll("^Applies from round (\\d+).*$",
        "$1"));
    await().atMost(Duration.ofSeconds(30)).until(() -> fx(() -> app.viewModel().timeline().model().details(from)) != null
        && fx(() -> app.viewModel().currentRound()) > from);
    fx(() -> {
      app.openRound(from);
      return null;
    });
    WaitForAsyncUtils.waitForFxEvents();
    assertThat(fx(() -> lookup("#roundStrategy").queryAs(Label.class).getText())).startsWith("median");
    fx(() -> {
      app.openRound(from - 1);
      return null;
    });
    WaitForAsyncUtils.waitForFxEvents();
    assertThat(fx(() -> lookup("#roundStrategy").queryAs(Label.class).getText())).isEqualTo("fedavg");
    showPage(Page.AUDIT);
    await().atMost(Duration.ofSeconds(10)).until(() -> audited("config.tuned"));
  }

  @Test
  void anObserversStartIsRefusedWithANotificationAndAudited() throws Exception {
    launch(new OperatorIdentity("olga", Role.OBSERVER), 3);
    assertThat(fx(() -> lookup("#operatorRole").queryAs(Label.class).getText())).isEqualTo("olga · observer");
    clickOn("#start");
    await().atMost(Duration.ofSeconds(5)).until(() -> fx(() -> app.notifier().shown()) >= 1);
    assertThat(fx(() -> app.viewModel().alarms().get(0).text()))
        .isEqualTo("'olga' (role observer) may not control (start)");
    assertThat(fx(() -> app.viewModel().federation().state())).isEqualTo(FederationState.CREATED);
    showPage(Page.AUDIT);
    await().atMost(Duration.ofSeconds(10)).until(() -> audited("operator.denied"));
  }

  @Test
  void anAdminRejectsWithAReasonCreatesATokenExportsItsBundleAndSwitchesAutoApproval() throws Exception {
    launch(new OperatorIdentity("ada", Role.ADMIN), 3);
    FederationTrust trust = fx(() -> app.enrollments().trust());
    String token = trust.createToken(Role.PARTICIPANT, "edge-9", Duration.ofHours(1), "admin").token();
    KeyPair kp = CertificateAuthority.generateKeyPair(new SecureRandom());
    EnrollmentRecord req = trust.enroll(token, CertificateAuthority.csr(kp, "edge-9"), "phone", "eu", true, "edge-9");
    showPage(Page.ENROLLMENTS);
    @SuppressWarnings("unchecked")
    TableView<EnrollmentRow> queue = fx(() -> lookup("#enrollments").queryAs(TableView.class));
    await().atMost(Duration.ofSeconds(10)).until(() -> fx(() -> queue.getItems().size()) == 1);
    fx(() -> {
      queue.getSelectionModel().select(0);
      return null;
    });
    clickOn("#rejectEnrollment");
    WaitForAsyncUtils.waitForFxEvents();
    assertThat(fx(() -> lookup("#confirmReject").queryButton().isDisabled())).as("a reason is required").isTrue();
    clickOn("#rejectReason").write("unknown phone");
    clickOn("#confirmReject");
    await().atMost(Duration.ofSeconds(10)).until(() -> fx(() -> queue.getItems().isEmpty()));
    assertThat(trust.status(req.id(), token).status()).isEqualTo("REJECTED");
    assertThat(trust.status(req.id(), token).reason()).isEqualTo("unknown phone");

    clickOn("#tokenName").write("edge-10");
    clickOn("#createToken");
    await().atMost(Duration.ofSeconds(10)).until(() -> fx(() -> app.enrollments().lastTokenProperty().get()) != null);
    clickOn("#bundleAddress").write("coord.lan:7070");
    clickOn("#exportBundle");
    await().atMost(Duration.ofSeconds(10)).until(() -> java.nio.file.Files.exists(dir.resolve("edge.bundle.json")));
    io.flotilla.engine.security.OnboardingBundle b =
        io.flotilla.engine.security.OnboardingBundle.read(dir.resolve("edge.bundle.json"));
    assertThat(b.participantName()).isEqualTo("edge-10");
    assertThat(b.coordinator()).isEqualTo("coord.lan:7070");

    assertThat(fx(() -> lookup("#autoApproveWarning").query().isVisible())).isFalse();
    fx(() -> { // the switch as a click would flip it (the robot may not reach it in a small headless window)
      lookup("#autoApprove").queryAs(atlantafx.base.controls.ToggleSwitch.class).setSelected(true);
      return null;
    });
    await().atMost(Duration.ofSeconds(10)).until(() -> trust.policy().autoApprove());
    await().atMost(Duration.ofSeconds(5)).until(() -> fx(() -> lookup("#autoApproveWarning").query().isVisible()));
  }
}
