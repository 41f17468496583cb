package io.flotilla.console.cli;

import io.flotilla.engine.security.GovernancePolicy;
import io.flotilla.engine.transport.proto.EnrollmentInfo;
import io.flotilla.engine.transport.proto.EnrollmentState;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code flotilla enrollments list|approve|reject|policy}: the enrollment queue and who may join. */
@Command(name = "enrollments", mixinStandardHelpOptions = true,
    description = "The enrollment queue: list requests, approve or reject them, set the governance policy.",
    subcommands = {EnrollmentsCommand.ListRequests.class, EnrollmentsCommand.Approve.class,
        EnrollmentsCommand.Reject.class, EnrollmentsCommand.Policy.class})
public final class EnrollmentsCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getErr());
  }

  /** {@code flotilla enrollments list}. */
  @Command(name = "list", mixinStandardHelpOptions = true, description = "List enrollment requests, oldest first.")
  static final class ListRequests implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin AdminOptions admin;

    @Option(names = "--state", defaultValue = "all", description = "pending | approved | rejected | revoked | all (default: ${DEFAULT-VALUE})")
    String state;

    @Override
    public Integer call() throws Exception {
      EnrollmentState s;
      try {
        s = state.equalsIgnoreCase("all") ? EnrollmentState.ENROLLMENT_STATE_UNSPECIFIED
            : EnrollmentState.valueOf("ENROLLMENT_" + state.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new CommandLine.ParameterException(spec.commandLine(), "invalid --state '" + state
            + "': expected pending, approved, rejected, revoked or all");
      }
      try (AdminAccess access = AdminAccess.open(admin)) {
        List<EnrollmentInfo> rows = access.list(s);
        PrintWriter out = spec.commandLine().getOut();
        out.printf("%5s  %-9s %-20s %-11s %-12s %-10s %-7s %-24s %s%n", "ID", "STATE", "IDENTITY", "ROLE", "DEVICE",
            "REGION", "CONSENT", "REQUESTED", "DECIDED BY / REASON");
        for (EnrollmentInfo e : rows) {
          out.printf("%5d  %-9s %-20s %-11s %-12s %-10s %-7s %-24s %s%n", e.getId(),
              e.getState().name().replace("ENROLLMENT_", "").toLowerCase(Locale.ROOT), e.getParticipantId(), e.getRole(),
              e.getDeviceClass(), e.getRegion(), e.getConsent() ? "yes" : "no",
              Instant.ofEpochMilli(e.getRequestedUnixMillis()), (e.getDecidedBy() + " " + e.getReason()).trim());
        }
        out.flush();
        return 0;
      }
    }
  }

  /** {@code flotilla enrollments approve ID}. */
  @Command(name = "approve", mixinStandardHelpOptions = true,
      description = "Approve a pending request: the CA issues its short-lived certificate.")
  static final class Approve implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin AdminOptions admin;

    @Parameters(index = "0", paramLabel = "ID", description = "enrollment id (see 'enrollments list')")
    long id;

    @Override
    public Integer call() throws Exception {
      try (AdminAccess access = AdminAccess.open(admin)) {
        spec.commandLine().getOut().println("flotilla enrollments: " + access.decide(id, true, null));
        spec.commandLine().getOut().flush();
        return 0;
      }
    }
  }

  /** {@code flotilla enrollments reject ID --reason TEXT}. */
  @Command(name = "reject", mixinStandardHelpOptions = true, description = "Reject a pending request with a reason.")
  static final class Reject implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin AdminOptions admin;

    @Parameters(index = "0", paramLabel = "ID", description = "enrollment id")
    long id;

    @Option(names = "--reason", defaultValue = "rejected by the operator", description = "told to the requester")
    String reason;

    @Override
    public Integer call() throws Exception {
      try (AdminAccess access = AdminAccess.open(admin)) {
        spec.commandLine().getOut().println("flotilla enrollments: " + access.decide(id, false, reason));
        spec.commandLine().getOut().flush();
        return 0;
      }
    }
  }

  /** {@code flotilla enrollments policy}: show or change who may join (on a stopped federation). */
  @Command(name = "policy", mixinStandardHelpOptions = true,
      description = "Show or set the governance policy checked at enrollment (state directory only, coordinator stopped).")
  static final class Policy implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--state-dir", required = true, paramLabel = "DIR", description = "state directory")
    Path stateDir;

    @Option(names = "--passphrase-file", paramLabel = "FILE", description = "CA passphrase file (default: FLOTILLA_CA_PASSPHRASE)")
    Path passphraseFile;

    @Option(names = "--device-classes", split = ",", paramLabel = "C", description = "allowed device classes (empty: any)")
    List<String> deviceClasses;

    @Option(names = "--regions", split = ",", paramLabel = "R", description = "allowed regions (empty: any)")
    List<String> regions;

    @Option(names = "--require-consent", arity = "1", paramLabel = "true|false", description = "consent must be declared")
    Boolean requireConsent;

    @Option(names = "--auto-approve", arity = "1", paramLabel = "true|false", description = "approve requests without an operator (demos)")
    Boolean autoApprove;

    @Override
    public Integer call() throws Exception {
      try (TrustHome home = TrustHome.open(stateDir, passphraseFile, Duration.ofHours(24), Clock.systemUTC())) {
        GovernancePolicy p = home.trust.policy();
        if (deviceClasses != null || regions != null || requireConsent != null || autoApprove != null) {
          p = new GovernancePolicy(deviceClasses == null ? p.deviceClasses() : new HashSet<>(deviceClasses),
              regions == null ? p.regions() : new HashSet<>(regions),
              requireConsent == null ? p.requireConsent() : requireConsent,
              autoApprove == null ? p.autoApprove() : autoApprove);
          String actor = new AdminAccess.Local(home).actorName();
          home.trust.authorize(actor, io.flotilla.engine.security.Role.ADMIN,
              io.flotilla.engine.security.Role.Action.SET_POLICY, "governance");
          home.trust.setPolicy(p, actor);
        }
        PrintWriter out = spec.commandLine().getOut();
        out.printf("device classes   %s%nregions          %s%nrequire consent  %s%nauto-approve     %s%n",
            p.deviceClasses().isEmpty() ? "any" : String.join(", ", new java.util.TreeSet<>(p.deviceClasses())),
            p.regions().isEmpty() ? "any" : String.join(", ", new java.util.TreeSet<>(p.regions())),
            p.requireConsent() ? "yes" : "no", p.autoApprove() ? "yes (demo)" : "no");
        out.flush();
        return 0;
      }
    }
  }
}
