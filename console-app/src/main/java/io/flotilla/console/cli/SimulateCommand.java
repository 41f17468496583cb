package io.flotilla.console.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.flotilla.engine.api.Extensions;
import io.flotilla.engine.api.FederationEvent;
import io.flotilla.engine.api.FederationSnapshot;
import io.flotilla.engine.api.FederationState;
import io.flotilla.engine.model.ModelState;
import io.flotilla.engine.store.JdbcFederationStore;
import io.flotilla.sim.inprocess.AbRun;
import io.flotilla.sim.inprocess.InProcessSimulation;
import io.flotilla.sim.inprocess.LearningOptions;
import io.flotilla.sim.inprocess.SimulationConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code flotilla simulate}: runs a whole federation in-process over simulated participants and prints a
 * line per round; {@code --report} writes the JSON report. The flags are a stable contract.
 */
@Command(name = "simulate", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Run a simulated federation in-process and report its learning curve.")
public final class SimulateCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  /** The scenario flags shared with serve, participant and swarm (same names and defaults). */
  @Mixin ScenarioOptions scenario;

  /** Stopping rules, alarms, drift injection, calibration, A/B (issue 7). */
  @Mixin LearningOptionsMixin learningFlags;

  @Option(names = "--adversaries", paramLabel = "KIND:FRACTION[:PARAM][,...]", defaultValue = "none",
      description = "attacking participants: sign-flip, scaling, noise, label-flip, free-rider, e.g. sign-flip:0.3 "
          + "(default: ${DEFAULT-VALUE})")
  String adversaries;

  @Option(names = "--validation", paramLabel = "SPEC[;SPEC...]", defaultValue = "none",
      description = "update screening beyond the always-on shape/NaN/replay checks: none, default (norm and "
          + "direction), or validators such as 'norm:z=3;direction:min-cosine=0' (default: ${DEFAULT-VALUE}; "
          + "off by default because on strongly heterogeneous data honest data-rich participants look like outliers)")
  String validation;

  @Option(names = "--suspend-after", paramLabel = "N", defaultValue = "3",
      description = "suspend a participant after N suspicious updates; 0 = never (default: ${DEFAULT-VALUE})")
  int suspendAfter;

  @Option(names = "--dp", paramLabel = "clip=C,noise=Z,delta=D[,budget=EPS]",
      description = "central differential privacy: clip updates to C, add N(0,(Z*C)^2) noise, report epsilon "
          + "for delta D, stop before epsilon passes EPS")
  String dp;

  @Option(names = "--plugins", paramLabel = "DIR", description = "load extension jars from this folder")
  Path plugins;

  @Option(names = "--report", paramLabel = "FILE.json", description = "write the JSON report here")
  Path report;

  @Option(names = "--quiet", description = "print no per-round lines")
  boolean quiet;

  @Option(names = "--state-dir", paramLabel = "DIR",
      description = "persist the federation in DIR (H2 database and model blobs) and, when DIR already holds it, "
          + "resume from its last committed round; the same flags then end with the same model")
  Path stateDir;

  @Override
  public Integer call() throws Exception {
    SimulationConfig cfg;
    LearningOptions learning;
    try {
      cfg = scenario.toBuilder().adversaries(adversaries).validation(validation)
          .suspendAfter(suspendAfter).dp(dp).plugins(plugins).build();
      learning = learningFlags.toOptions();
      learning.toControl(Extensions.load(plugins)); // names a bad --stop rule before any data is loaded
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    if (report != null && report.getParent() != null && !Files.isDirectory(report.getParent())) {
      throw new CommandLine.ParameterException(spec.commandLine(),
          "--report: folder " + report.getParent() + " does not exist");
    }
    if (plugins != null && !Files.isDirectory(plugins)) {
      throw new CommandLine.ParameterException(spec.commandLine(),
          "--plugins: folder " + plugins + " does not exist");
    }
    PrintWriter out = spec.commandLine().getOut();
    List<Map<String, Object>> rows = new ArrayList<>();
    long t0 = System.nanoTime();
    Extensions extensions = Extensions.load(plugins);
    for (String problem : extensions.problems()) {
      spec.commandLine().getErr().println("flotilla: warning: " + problem);
    }
    if (learningFlags.ab != null) {
      return runAb(cfg, learning, extensions, out, t0);
    }
    InProcessSimulation sim;
    JdbcFederationStore opened = stateDir == null ? null : JdbcFederationStore.openDirectory(stateDir);
    try {
      sim = InProcessSimulation.create(cfg, learning, extensions, Clock.systemUTC(), opened);
    } catch (IllegalArgumentException e) {
      closeQuietly(opened);
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    } catch (RuntimeException e) {
      closeQuietly(opened);
      throw e;
    }
    String[] failure = new String[1];
    String[] finishReason = new String[1];
    Map<Long, int[]> rejectedByRound = new HashMap<>(); // [rejected, suspicious]
    List<Map<String, Object>> suspended = new ArrayList<>();
    LearningReport lr = new LearningReport(out, quiet);
    try (JdbcFederationStore store = opened; sim) {
      long setupMs = (System.nanoTime() - t0) / 1_000_000;
      if (!quiet) {
        out.printf(Locale.ROOT, "flotilla simulate: %s; %d participants, %d per round, %s, %s (setup %d ms)%n",
            sim.dataDescription(), cfg.participants(), cfg.perRound(), cfg.model(), cfg.strategy(), setupMs);
        if (store != null) {
          FederationSnapshot snap = sim.federation().snapshot().get();
          out.printf(Locale.ROOT, "state: %s; %s at model version %d, %d of %d rounds committed%n",
              store.location(), snap.committedRounds() > 0 || snap.modelVersion() > 0 ? "resuming" : "new federation",
              snap.modelVersion(), snap.committedRounds(), cfg.rounds());
        }
        out.flush();
      }
      sim.federation().subscribe(lr::onEvent);
      sim.federation().subscribe(e -> {
        if (e instanceof FederationEvent.RoundCommitted c) {
          Map<String, Object> row = new LinkedHashMap<>();
          row.put("round", c.roundId());
          row.put("participants", c.contributors());
          row.put("selected", c.selected());
          row.put("train_loss", c.metrics().getOrDefault("train_loss", Double.NaN));
          row.put("train_accuracy", c.metrics().getOrDefault("train_accuracy", Double.NaN));
          row.put("test_loss", c.metrics().getOrDefault("test_loss", Double.NaN));
          row.put("test_accuracy", c.metrics().getOrDefault("test_accuracy", Double.NaN));
          row.put("duration_ms", c.durationMillis());
          row.put("model_version", c.version());
          row.put("model_sha256", c.modelSha256());
          int[] rej = rejectedByRound.getOrDefault(c.roundId(), new int[2]);
          row.put("rejected", rej[0]);
          row.put("suspicious", rej[1]);
          Double eps = c.metrics().get("dp_epsilon");
          if (eps != null) {
            row.put("epsilon", eps);
          }
          rows.add(row);
          if (!quiet) {
            out.printf(Locale.ROOT, "round %4d  participants %3d/%-3d  train_loss %.4f  test_loss %.4f  test_acc %.4f  %6d ms%s%s%n",
                c.roundId(), c.contributors(), c.selected(), (double) row.get("train_loss"),
                (double) row.get("test_loss"), (double) row.get("test_accuracy"), c.durationMillis(),
                rej[0] > 0 ? String.format(Locale.ROOT, "  rejected %d (suspicious %d)", rej[0], rej[1]) : "",
                eps != null ? String.format(Locale.ROOT, "  epsilon %.3f", eps) : "");
            out.flush();
          }
        } else if (e instanceof FederationEvent.UpdateRejected u) {
          int[] rej = rejectedByRound.computeIfAbsent(u.roundId(), k -> new int[2]);
          rej[0]++;
          if (u.reason().isSuspicious()) {
            rej[1]++;
          }
        } else if (e instanceof FederationEvent.ParticipantSuspended ps) {
          Map<String, Object> m = new LinkedHashMap<>();
          m.put("participant", ps.participantId());
          m.put("strikes", ps.strikes());
          m.put("reason", ps.reason());
          suspended.add(m);
          if (!quiet) {
            out.printf(Locale.ROOT, "suspended %s: %s%n", ps.participantId(), ps.reason());
            out.flush();
          }
        } else if (e instanceof FederationEvent.RoundAborted a && !quiet) {
          out.printf(Locale.ROOT, "round %4d  aborted: %s%n", a.roundId(), a.reason());
          out.flush();
        } else if (e instanceof FederationEvent.StateChanged s && s.to() == FederationState.FAILED) {
          failure[0] = s.reason();
        } else if (e instanceof FederationEvent.StateChanged s && s.to() == FederationState.FINISHED) {
          finishReason[0] = s.reason();
        }
      });
      sim.start();
      while (!sim.await(Duration.ofSeconds(1))) {
        // keep waiting: rounds commit as fast as participants train
      }
      ModelState fin = sim.federation().globalModel();
      long totalMs = (System.nanoTime() - t0) / 1_000_000;
      if (report != null) {
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("finish_reason", finishReason[0]);
        extra.put("suspended", suspended);
        extra.put("adversaries", sim.participants().stream().filter(p -> p.adversary() != null)
            .map(p -> p.id() + "=" + p.adversary()).toList());
        extra.put("plugin_problems", extensions.problems());
        extra.put("stopped_by", lr.stoppedBy());
        Map<String, Object> sections = lr.sections();
        sections.put("learning_control", learning.describe());
        writeReport(cfg, rows, fin, sim.federation().state(), failure[0], totalMs, extra, sections);
      }
      if (sim.federation().state() != FederationState.FINISHED) {
        spec.commandLine().getErr().println("flotilla: federation " + sim.federation().state().name().toLowerCase()
            + (failure[0] == null ? "" : ": " + failure[0]));
        return 1;
      }
      if (!quiet) {
        Map<String, Object> last = rows.isEmpty() ? Map.of() : rows.get(rows.size() - 1);
        if (finishReason[0] != null && (finishReason[0].startsWith("privacy budget")
            || finishReason[0].startsWith("stopping rule"))) {
          out.println("finished early: " + finishReason[0]);
        }
        out.printf(Locale.ROOT, "final: test_accuracy %.4f  test_loss %.4f  model %s  (%d rounds, %.1f s)%n",
            (double) last.getOrDefault("test_accuracy", Double.NaN), (double) last.getOrDefault("test_loss", Double.NaN),
            fin.sha256(), rows.size(), totalMs / 1000.0);
        out.flush();
      }
      return 0;
    }
  }

  private static void closeQuietly(JdbcFederationStore s) {
    if (s != null) {
      s.close();
    }
  }

  /** {@code --ab}: two federations side by side, curves and a significance test. */
  private int runAb(SimulationConfig cfg, LearningOptions learning, Extensions extensions, PrintWriter out, long t0)
      throws Exception {
    if (stateDir != null) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--ab cannot be combined with --state-dir");
    }
    String[] ab;
    AbRun.Split split;
    try {
      ab = AbRun.parseStrategies(learningFlags.ab);
      split = learningFlags.split();
      extensions.strategy(ab[0]);
      extensions.strategy(ab[1]);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    if (!quiet) {
      out.printf(Locale.ROOT, "flotilla simulate --ab: %s vs %s, %d participants split %s, %d rounds%n", ab[0], ab[1],
          cfg.participants(), split.name().toLowerCase(Locale.ROOT), cfg.rounds());
      out.flush();
    }
    AbRun.Result res = AbRun.run(cfg, learning, ab[0], ab[1], split, extensions, Clock.systemUTC(),
        Duration.ofHours(24));
    long totalMs = (System.nanoTime() - t0) / 1_000_000;
    if (!quiet) {
      for (AbRun.Arm arm : List.of(res.a(), res.b())) {
        Map<String, Object> last = arm.curve().isEmpty() ? Map.of() : arm.curve().get(arm.curve().size() - 1);
        double mean = java.util.Arrays.stream(arm.perParticipantAccuracy()).average().orElse(Double.NaN);
        out.printf(Locale.ROOT, "%-28s %2d participants  rounds %3d  test_acc %.4f  mean participant acc %.4f  %s%n",
            arm.strategy(), arm.participants().size(), arm.curve().size(),
            (double) last.getOrDefault("test_accuracy", Double.NaN), mean, arm.state());
      }
      out.printf(Locale.ROOT, "%s p = %.4g, paired t p = %.4g, mean difference (A - B) %.4f over %d participants: %s"
          + " (%.1f s)%n", res.wilcoxon().test(), res.wilcoxon().pValue(), res.pairedT().pValue(),
          res.wilcoxon().meanDifference(), res.wilcoxon().pairs(), res.describe().get("verdict"), totalMs / 1000.0);
      out.flush();
    }
    if (report != null) {
      Map<String, Object> root = new LinkedHashMap<>();
      root.put("config", cfg.describe());
      root.put("learning_control", learning.describe());
      root.put("ab", res.describe());
      root.put("total_ms", totalMs);
      ObjectMapper om = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
      om.writeValue(report.toFile(), root);
    }
    return 0;
  }

  private void writeReport(SimulationConfig cfg, List<Map<String, Object>> rows, ModelState fin,
      FederationState state, String failure, long totalMs, Map<String, Object> extra, Map<String, Object> sections)
      throws IOException {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("config", cfg.describe());
    root.put("rounds", rows);
    Map<String, Object> fm = new LinkedHashMap<>();
    Map<String, Object> last = rows.isEmpty() ? Map.of() : rows.get(rows.size() - 1);
    fm.put("test_accuracy", last.getOrDefault("test_accuracy", Double.NaN));
    fm.put("test_loss", last.getOrDefault("test_loss", Double.NaN));
    fm.put("train_loss", last.getOrDefault("train_loss", Double.NaN));
    fm.put("model_sha256", fin.sha256());
    fm.put("model_version", fin.version());
    fm.put("parameters", fin.size());
    fm.put("state", state.name().toLowerCase(Locale.ROOT));
    if (failure != null) {
      fm.put("failure", failure);
    }
    fm.put("total_ms", totalMs);
    Object eps = last.get("epsilon");
    if (eps != null) {
      fm.put("epsilon", eps);
    }
    fm.putAll(extra);
    root.put("final", fm);
    root.putAll(sections);
    ObjectMapper om = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    Path tmp = report.resolveSibling(report.getFileName() + ".tmp");
    om.writeValue(tmp.toFile(), root);
    Files.move(tmp, report, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }
}
