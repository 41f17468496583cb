package io.flotilla.console.cli;

import io.flotilla.engine.transport.ProtoMapping;
import io.flotilla.engine.transport.proto.ChangeStandingRequest;
import io.flotilla.engine.transport.proto.CoordinatorGrpc;
import io.flotilla.engine.transport.proto.StandingChange;
import io.flotilla.engine.transport.proto.WithdrawConsentRequest;
import io.flotilla.sim.participant.Channels;
import io.flotilla.sim.participant.ParticipantIdentity;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code flotilla participants suspend|reinstate|revoke ID} (operator) and {@code participants
 * withdraw-consent} (the participant itself).
 */
@Command(name = "participants", mixinStandardHelpOptions = true,
    description = "Suspend, reinstate or revoke a participant; or, as a participant, withdraw consent.",
    subcommands = {ParticipantsCommand.Suspend.class, ParticipantsCommand.Reinstate.class,
        ParticipantsCommand.Revoke.class, ParticipantsCommand.WithdrawConsent.class})
public final class ParticipantsCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getErr());
  }

  abstract static class Change implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin AdminOptions admin;

    @Parameters(index = "0", paramLabel = "ID", description = "participant id (its certificate's CN)")
    String participant;

    @Option(names = "--reason", required = true, description = "why (recorded in the audit log)")
    String reason;

    abstract StandingChange change();

    @Override
    public Integer call() throws Exception {
      try (AdminAccess access = AdminAccess.open(admin)) {
        String r = access.changeStanding(ChangeStandingRequest.newBuilder().setParticipantId(participant)
            .setChange(change()).setReason(reason).build());
        spec.commandLine().getOut().println("flotilla participants: " + r + " (" + access.where() + ")");
        spec.commandLine().getOut().flush();
        return 0;
      }
    }
  }

  @Command(name = "suspend", mixinStandardHelpOptions = true,
      description = "Disconnect a participant and keep it out until reinstated.")
  static final class Suspend extends Change {
    @Override
    StandingChange change() {
      return StandingChange.SUSPEND;
    }
  }

  @Command(name = "reinstate", mixinStandardHelpOptions = true, description = "Let a suspended participant back in.")
  static final class Reinstate extends Change {
    @Override
    StandingChange change() {
      return StandingChange.REINSTATE;
    }
  }

  @Command(name = "revoke", mixinStandardHelpOptions = true,
      description = "Revoke every certificate of a participant: its session closes at once, its in-flight update is "
          + "refused, it never connects again.")
  static final class Revoke extends Change {
    @Override
    StandingChange change() {
      return StandingChange.REVOKE;
    }
  }

  /** {@code flotilla participants withdraw-consent --identity DIR}. */
  @Command(name = "withdraw-consent", mixinStandardHelpOptions = true,
      description = "As the participant: withdraw consent; it is never selected again (audited).")
  static final class WithdrawConsent implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--identity", required = true, paramLabel = "DIR", description = "this participant's identity directory")
    Path identity;

    @Option(names = "--coordinator", paramLabel = "HOST:PORT", description = "default: the one it enrolled with")
    String coordinator;

    @Option(names = "--reason", defaultValue = "", description = "optional reason")
    String reason;

    @Override
    public Integer call() throws Exception {
      ParticipantIdentity id = ParticipantIdentity.load(identity);
      String target = coordinator != null ? coordinator : id.coordinator();
      if (target == null) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--coordinator is needed");
      }
      ManagedChannel ch = Channels.open(target, id.channelCredentials());
      try {
        CoordinatorGrpc.newBlockingStub(ch).withDeadlineAfter(30, TimeUnit.SECONDS)
            .withdrawConsent(WithdrawConsentRequest.newBuilder().setReason(reason).build());
      } catch (StatusRuntimeException e) {
        throw new IllegalStateException("refused: " + ProtoMapping.errorOf(e).getDetail());
      } finally {
        ch.shutdownNow();
      }
      spec.commandLine().getOut().println("flotilla participants: " + id.id() + " withdrew its consent; it will not be "
          + "selected again");
      spec.commandLine().getOut().flush();
      return 0;
    }
  }
}
