package io.flotilla.console.cli;

import io.flotilla.engine.audit.AuditEntry;
import io.flotilla.engine.audit.AuditVerification;
import io.flotilla.engine.store.JdbcFederationStore;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code flotilla audit verify|list}: checks and shows the hash-chained audit log of a state directory. */
@Command(name = "audit", mixinStandardHelpOptions = true,
    description = "Check or show the append-only, hash-chained audit log of a state directory.",
    subcommands = {AuditCommand.Verify.class, AuditCommand.ListEntries.class})
public final class AuditCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getErr());
  }

  /** {@code flotilla audit verify}: exit 0 when the chain verifies, 1 naming the first bad entry. */
  @Command(name = "verify", mixinStandardHelpOptions = true,
      description = "Recompute the hash chain; exit 1 naming the first entry that does not verify.")
  static final class Verify implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin StateDirOptions state;

    @Override
    public Integer call() {
      try (JdbcFederationStore store = state.open()) {
        AuditVerification v = store.verifyAudit();
        if (v.isOk()) {
          spec.commandLine().getOut().printf("audit log verified: %d entries, chain intact%n", v.entries());
          spec.commandLine().getOut().flush();
          return 0;
        }
        spec.commandLine().getErr().printf("flotilla: audit log broken at entry %d: %s (%d entries before it verify)%n",
            v.firstBadSeq(), v.problem(), v.entries());
        spec.commandLine().getErr().flush();
        return 1;
      }
    }
  }

  /** {@code flotilla audit list}: the last entries, oldest first. */
  @Command(name = "list", mixinStandardHelpOptions = true, description = "Print audit entries, oldest first.")
  static final class ListEntries implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin StateDirOptions state;

    @Option(names = "--last", paramLabel = "N", defaultValue = "50", description = "how many (0: all; default ${DEFAULT-VALUE})")
    int last;

    @Override
    public Integer call() {
      try (JdbcFederationStore store = state.open()) {
        PrintWriter out = spec.commandLine().getOut();
        for (AuditEntry e : store.audit(last)) {
          out.printf("%5d  %s  %-12s %-22s %-14s %s  %s%n", e.seq(), e.at(), e.actor(), e.action(),
              e.subject() == null ? "" : e.subject(), e.detail(), e.hash().substring(0, 12));
        }
        out.flush();
        return 0;
      }
    }
  }
}
