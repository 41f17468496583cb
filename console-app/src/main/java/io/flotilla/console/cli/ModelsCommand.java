package io.flotilla.console.cli;

import io.flotilla.engine.model.ModelDiff;
import io.flotilla.engine.model.ModelState;
import io.flotilla.engine.model.SafetensorsException;
import io.flotilla.engine.model.TensorSpec;
import io.flotilla.engine.store.JdbcFederationStore;
import io.flotilla.engine.store.ModelVersionInfo;
import io.flotilla.engine.store.RetentionPolicy;
import io.flotilla.engine.store.RolledBack;
import io.flotilla.engine.store.StoreException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code flotilla models ...}: the model versions of a persisted federation: list, show, diff, roll back,
 * export and import safetensors, tag, retention. Works on a stopped federation's state directory (the
 * embedded database is open in one process at a time); a running coordinator rolls back through its
 * console. Exit codes: 0 done, 1 the store refused (unknown or purged version, corrupt blob, directory in
 * use), 2 a bad argument or input file.
 */
@Command(name = "models", mixinStandardHelpOptions = true,
    description = "List, inspect, diff, roll back, export and import the model versions of a federation.",
    subcommands = {ModelsCommand.ListVersions.class, ModelsCommand.Show.class, ModelsCommand.Diff.class,
        ModelsCommand.Rollback.class, ModelsCommand.Export.class, ModelsCommand.Import.class, ModelsCommand.Tag.class,
        ModelsCommand.Untag.class, ModelsCommand.Retention.class, ModelsCommand.Purge.class,
        ModelsCommand.Verify.class})
public final class ModelsCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getErr());
  }

  /** A version argument: a number or {@code current}. */
  static long version(JdbcFederationStore store, String fed, String text) {
    if (text.equalsIgnoreCase("current") || text.equalsIgnoreCase("latest")) {
      return store.currentVersion(fed);
    }
    try {
      return Long.parseLong(text.startsWith("v") ? text.substring(1) : text);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("version must be a number or 'current', got '" + text + "'");
    }
  }

  /** Shared body: open the store, run, map store refusals to exit 1 with the message. */
  abstract static class StoreCommand implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin StateDirOptions state;

    abstract int run(JdbcFederationStore store, String fed, PrintWriter out) throws Exception;

    @Override
    public Integer call() throws Exception {
      try (JdbcFederationStore store = state.open()) {
        PrintWriter out = spec.commandLine().getOut();
        int code = run(store, state.federation(store), out);
        out.flush();
        return code;
      } catch (StoreException e) {
        spec.commandLine().getErr().println("flotilla: " + e.getMessage());
        spec.commandLine().getErr().flush();
        return 1;
      } catch (SafetensorsException e) {
        spec.commandLine().getErr().println("flotilla: " + e.getMessage() + " (nothing was changed)");
        spec.commandLine().getErr().flush();
        return 2;
      }
    }
  }

  static String metric(Map<String, Double> m, String k) {
    Double v = m.get(k);
    return v == null || v.isNaN() ? "-" : String.format(Locale.ROOT, "%.4f", v);
  }

  /** {@code flotilla models list}. */
  @Command(name = "list", mixinStandardHelpOptions = true, description = "One line per model version.")
  static final class ListVersions extends StoreCommand {
    @Override
    int run(JdbcFederationStore store, String fed, PrintWriter out) {
      out.printf("federation %s%n", fed);
      out.printf("%8s %6s %-8s %-20s %-12s %7s %9s %9s  %s%n", "version", "round", "origin", "created (UTC)",
          "sha256", "contrib", "test_acc", "test_loss", "notes");
      for (ModelVersionInfo v : store.versions(fed)) {
        StringBuilder notes = new StringBuilder();
        if (v.current()) {
          notes.append("current ");
        }
        if (!v.tags().isEmpty()) {
          notes.append("tags=").append(String.join(",", v.tags())).append(' ');
        }
        if (!v.blobPresent()) {
          notes.append("purged ");
        }
        if (v.parentVersion() != null && !"ROUND".equals(v.origin())) {
          notes.append("from v").append(v.parentVersion()).append(' ');
        }
        out.printf(Locale.ROOT, "%8d %6s %-8s %-20s %-12s %7d %9s %9s  %s%n", v.version(),
            v.roundId() == null ? "-" : v.roundId().toString(), v.origin(),
            v.createdAt().toString().replace('T', ' ').replaceAll("\\.\\d+Z$|Z$", ""), v.sha256().substring(0, 12),
            v.contributors(), metric(v.metrics(), "test_accuracy"), metric(v.metrics(), "test_loss"),
            notes.toString().trim());
      }
      return 0;
    }
  }

  /** {@code flotilla models show VERSION}. */
  @Command(name = "show", mixinStandardHelpOptions = true, description = "Everything known about one version.")
  static final class Show extends StoreCommand {
    @Parameters(index = "0", paramLabel = "VERSION", defaultValue = "current", description = "a version number or 'current'")
    String version;

    @Override
    int run(JdbcFederationStore store, String fed, PrintWriter out) {
      long v = version(store, fed, version);
      ModelVersionInfo i = store.version(fed, v);
      out.printf("version        %d%s%n", i.version(), i.current() ? " (current)" : "");
      out.printf("federation     %s%n", fed);
      out.printf("origin         %s%s%n", i.origin(), i.roundId() == null ? "" : " of round " + i.roundId());
      out.printf("parent         %s%n", i.parentVersion() == null ? "-" : "v" + i.parentVersion());
      out.printf("created        %s by %s%n", i.createdAt(), i.actor());
      if (i.reason() != null) {
        out.printf("reason         %s%n", i.reason());
      }
      out.printf("sha256         %s%n", i.sha256());
      out.printf("parameters     %d%s%n", i.parameterCount(), i.blobPresent() ? "" : " (purged by retention)");
      if (i.blobPresent()) {
        out.printf("blob           %s%n", store.blobs().pathOf(i.sha256()));
        ModelState m = store.loadModel(fed, v);
        out.printf("layout         %s%n", m.layout().canonical());
        Map<String, float[]> st = store.loadStrategyState(fed, v);
        out.printf("strategy state %s%n", st.isEmpty() ? "none" : String.join(", ", st.keySet()));
      }
      out.printf("contributors   %d%s%n", i.contributors(),
          i.contributorIds().isEmpty() ? "" : ": " + String.join(", ", i.contributorIds()));
      out.printf("tags           %s%n", i.tags().isEmpty() ? "-" : String.join(", ", i.tags()));
      i.metrics().forEach((k, val) -> out.printf(Locale.ROOT, "metric         %s = %.6f%n", k, val));
      return 0;
    }
  }

  /** {@code flotilla models diff V1 V2}. */
  @Command(name = "diff", mixinStandardHelpOptions = true,
      description = "Norm of the difference between two versions, per tensor.")
  static final class Diff extends StoreCommand {
    @Parameters(index = "0", paramLabel = "V1") String a;
    @Parameters(index = "1", paramLabel = "V2") String b;

    @Override
    int run(JdbcFederationStore store, String fed, PrintWriter out) {
      long va = version(store, fed, a);
      long vb = version(store, fed, b);
      ModelState ma = store.loadModel(fed, va);
      ModelState mb = store.loadModel(fed, vb);
      ModelDiff d = ModelDiff.between(ma, mb);
      out.printf("v%d -> v%d%n", va, vb);
      out.printf("%-30s %-14s %14s %12s %14s%n", "tensor", "shape", "||v2 - v1||", "relative", "max |diff|");
      for (ModelDiff.TensorDiff t : d.tensors()) {
        TensorSpec spec = ma.layout().tensor(t.name());
        out.printf(Locale.ROOT, "%-30s %-14s %14.6g %12.6g %14.6g%n", t.name(), Arrays.toString(spec.shape()), t.l2(),
            t.relative(), t.maxAbs());
      }
      out.printf(Locale.ROOT, "%-30s %-14s %14.6g%n", "total", "", d.totalL2());
      return 0;
    }
  }

  /** {@code flotilla models rollback VERSION --reason TEXT}. */
  @Command(name = "rollback", mixinStandardHelpOptions = true,
      description = "Make a new version holding VERSION's parameters the current one (audited).")
  static final class Rollback extends StoreCommand {
    @Parameters(index = "0", paramLabel = "VERSION") String version;

    @Option(names = "--reason", required = true, paramLabel = "TEXT", description = "why (recorded in the audit log)")
    String reason;

    @Option(names = "--actor", paramLabel = "NAME", defaultValue = "operator", description = "who (default: ${DEFAULT-VALUE})")
    String actor;

    @Override
    int run(JdbcFederationStore store, String fed, PrintWriter out) {
      long v = version(store, fed, version);
      RolledBack rb = store.rollback(fed, v, actor, reason, java.time.Instant.now());
      out.printf("rolled back: version %d holds the parameters of version %d (%s) and is current; was %d%n",
          rb.model().version(), rb.toVersion(), rb.model().sha256().substring(0, 12), rb.fromVersion());
      return 0;
    }
  }

  /** {@code flotilla models export VERSION --out FILE.safetensors}. */
  @Command(name = "export", mixinStandardHelpOptions = true,
      description = "Write one version as a safetensors file (load it in PyTorch with safetensors.torch.load_file).")
  static final class Export extends StoreCommand {
    @Parameters(index = "0", paramLabel = "VERSION", defaultValue = "current") String version;

    @Option(names = "--out", required = true, paramLabel = "FILE.safetensors") Path out;

    @Override
    int run(JdbcFederationStore store, String fed, PrintWriter o) {
      long v = version(store, fed, version);
      Path parent = out.toAbsolutePath().getParent();
      if (parent == null || !java.nio.file.Files.isDirectory(parent)) {
        throw new IllegalArgumentException("--out: folder " + parent + " does not exist");
      }
      store.exportModel(fed, v, out);
      o.printf("wrote version %d to %s%n", v, out);
      return 0;
    }
  }

  /** {@code flotilla models import FILE --reason TEXT}. */
  @Command(name = "import", mixinStandardHelpOptions = true,
      description = "Add a safetensors file (tensors matched by name to the federation's layout) as the new current version.")
  static final class Import extends StoreCommand {
    @Parameters(index = "0", paramLabel = "FILE.safetensors") Path file;

    @Option(names = "--reason", required = true, paramLabel = "TEXT") String reason;

    @Option(names = "--actor", paramLabel = "NAME", defaultValue = "operator") String actor;

    @Override
    int run(JdbcFederationStore store, String fed, PrintWriter out) throws SafetensorsException {
      RolledBack r = store.importModel(fed, file, actor, reason);
      out.printf("imported %s as version %d (%s), now current; was %d%n", file, r.model().version(),
          r.model().sha256().substring(0, 12), r.fromVersion());
      return 0;
    }
  }

  /** {@code flotilla models tag VERSION TAG}. */
  @Command(name = "tag", mixinStandardHelpOptions = true, description = "Tag a version (tagged versions are never purged).")
  static final class Tag extends StoreCommand {
    @Parameters(index = "0", paramLabel = "VERSION") String version;
    @Parameters(index = "1", paramLabel = "TAG") String tag;
    @Option(names = "--actor", paramLabel = "NAME", defaultValue = "operator") String actor;

    @Override
    int run(JdbcFederationStore store, String fed, PrintWriter out) {
      long v = version(store, fed, version);
      store.tag(fed, v, tag, actor);
      out.printf("tagged version %d as '%s'%n", v, tag);
      return 0;
    }
  }

  /** {@code flotilla models untag TAG}. */
  @Command(name = "untag", mixinStandardHelpOptions = true, description = "Remove a tag.")
  static final class Untag extends StoreCommand {
    @Parameters(index = "0", paramLabel = "TAG") String tag;
    @Option(names = "--actor", paramLabel = "NAME", defaultValue = "operator") String actor;

    @Override
    int run(JdbcFederationStore store, String fed, PrintWriter out) {
      store.untag(fed, tag, actor);
      out.printf("removed tag '%s'%n", tag);
      return 0;
    }
  }

  /** {@code flotilla models retention [--keep-last N] [--purge-updates-older-than AGE]}. */
  @Command(name = "retention", mixinStandardHelpOptions = true,
      description = "Show or set retention: the last N versions plus tagged ones keep their parameters; update "
          + "metadata older than AGE is purged. Applied after every commit and by 'models purge'.")
  static final class Retention extends StoreCommand {
    @Option(names = "--keep-last", paramLabel = "N", description = "versions whose parameters are kept (0: all)")
    Integer keepLast;

    @Option(names = "--purge-updates-older-than", paramLabel = "AGE",
        description = "e.g. 30d, 12h, 90m, PT6H (0: keep forever)")
    String age;

    @Option(names = "--reason", paramLabel = "TEXT", defaultValue = "set from the command line") String reason;
    @Option(names = "--actor", paramLabel = "NAME", defaultValue = "operator") String actor;

    @Override
    int run(JdbcFederationStore store, String fed, PrintWriter out) {
      RetentionPolicy now = store.retention(fed);
      if (keepLast != null || age != null) {
        RetentionPolicy next = new RetentionPolicy(keepLast == null ? now.keepLastVersions() : keepLast,
            age == null ? now.updateMaxAge() : parseAge(age));
        store.setRetention(fed, next, actor, reason);
        now = next;
      }
      out.printf("keep last %s version(s) plus tagged and current; update metadata kept %s%n",
          now.keepLastVersions() == 0 ? "all" : Integer.toString(now.keepLastVersions()),
          now.updateMaxAge().isZero() ? "forever" : "for " + now.updateMaxAge());
      return 0;
    }
  }

  private static final Pattern AGE = Pattern.compile("(\\d+)\\s*([smhd])");

  /** {@code 30d}, {@code 12h}, {@code 90m}, {@code 45s}, {@code 0} or an ISO-8601 duration. */
  static Duration parseAge(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    if (t.equals("0")) {
      return Duration.ZERO;
    }
    Matcher m = AGE.matcher(t);
    if (m.matches()) {
      long n = Long.parseLong(m.group(1));
      return switch (m.group(2)) {
        case "s" -> Duration.ofSeconds(n);
        case "m" -> Duration.ofMinutes(n);
        case "h" -> Duration.ofHours(n);
        default -> Duration.ofDays(n);
      };
    }
    try {
      return Duration.parse(text.trim().toUpperCase(Locale.ROOT));
    } catch (java.time.format.DateTimeParseException e) {
      throw new IllegalArgumentException("--purge-updates-older-than: '" + text + "' is not an age (e.g. 30d, 12h, PT6H)");
    }
  }

  /** {@code flotilla models purge}. */
  @Command(name = "purge", mixinStandardHelpOptions = true, description = "Apply the retention policy now (audited).")
  static final class Purge extends StoreCommand {
    @Override
    int run(JdbcFederationStore store, String fed, PrintWriter out) {
      JdbcFederationStore.Purge p = store.purge(fed);
      out.printf("purged the parameters of %d version(s) %s and %d update metadata row(s); %d blob file(s) deleted%n",
          p.versions().size(), p.versions(), p.updateRows(), p.blobsDeleted().size());
      return 0;
    }
  }

  /** {@code flotilla models verify}: recompute every kept blob's hash. */
  @Command(name = "verify", mixinStandardHelpOptions = true,
      description = "Recompute the hash of every kept model blob; exit 1 naming each one that does not match.")
  static final class Verify extends StoreCommand {
    @Override
    int run(JdbcFederationStore store, String fed, PrintWriter out) {
      List<String> problems = store.verifyBlobs(fed);
      if (problems.isEmpty()) {
        out.printf("all %d kept model blobs match their hashes%n",
            store.versions(fed).stream().filter(ModelVersionInfo::blobPresent).count());
        return 0;
      }
      problems.forEach(p -> spec.commandLine().getErr().println("flotilla: " + p));
      spec.commandLine().getErr().flush();
      return 1;
    }
  }
}
