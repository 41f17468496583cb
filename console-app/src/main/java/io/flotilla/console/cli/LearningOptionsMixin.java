package io.flotilla.console.cli;

import io.flotilla.sim.inprocess.AbRun;
import io.flotilla.sim.inprocess.LearningOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Option;

/**
 * The learning-control flags (issue 7, ADR 0015): stopping rules, divergence and drift alarms, drift
 * injection, calibration rounds and A/B runs. A picocli mixin; not thread-safe.
 */
public final class LearningOptionsMixin {
  @Option(names = "--stop", paramLabel = "RULE", split = ";",
      description = "stopping rule, repeatable: max-rounds:rounds=N, target:metric=test_accuracy,value=0.85, "
          + "plateau:metric=test_loss,window=5,min=0.001, no-improvement:metric=test_loss,window=5,alpha=0.05")
  List<String> stop = new ArrayList<>();

  @Option(names = "--divergence", paramLabel = "on|k=3,rise=0.2,variance=100,metric=test_loss,react=REACTION",
      description = "divergence alarm; REACTION is none, server-lr:F, lr:F or mu:M (joined with +), applied from the "
          + "next round")
  String divergence;

  @Option(names = "--drift-alarm", paramLabel = "on|js=0.05,loss=0.15,norm=0.5,fraction=0.5",
      description = "drift indicators and alarms (on by default when --drift injects drift)")
  String driftAlarm;

  @Option(names = "--drift", paramLabel = "PARTICIPANTS:ROUND:KIND[;...]", defaultValue = "none",
      description = "inject drift: PARTICIPANTS = ids (p3,p7), a count (2) or a fraction (0.1); KIND = label-shift "
          + "or feature-shift; e.g. p3:10:label-shift (default: ${DEFAULT-VALUE})")
  String drift;

  @Option(names = "--calibrate-every", paramLabel = "N", defaultValue = "0",
      description = "a calibration round (evaluation, feature statistics, reweighting; no training) after every N "
          + "rounds; 0 = never (default: ${DEFAULT-VALUE})")
  int calibrateEvery;

  @Option(names = "--ab", paramLabel = "STRATEGY_A,STRATEGY_B",
      description = "A/B run: split participants into two cohorts, one federation per strategy, side by side; report "
          + "both curves and a Wilcoxon signed-rank test on per-participant final accuracy")
  String ab;

  @Option(names = "--ab-split", paramLabel = "random|alternate", defaultValue = "random",
      description = "how --ab splits participants: a seeded random half each, or alternating ids "
          + "(default: ${DEFAULT-VALUE})")
  String abSplit;

  /** @throws IllegalArgumentException naming the bad flag */
  LearningOptions toOptions() {
    return new LearningOptions(stop, divergence, driftAlarm, drift, calibrateEvery);
  }

  AbRun.Split split() {
    return switch (abSplit.trim().toLowerCase(Locale.ROOT)) {
      case "random" -> AbRun.Split.RANDOM;
      case "alternate" -> AbRun.Split.ALTERNATE;
      default -> throw new IllegalArgumentException("invalid --ab-split '" + abSplit + "': use random or alternate");
    };
  }
}
