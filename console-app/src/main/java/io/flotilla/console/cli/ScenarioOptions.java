package io.flotilla.console.cli;

import io.flotilla.sim.inprocess.SimulationConfig;
import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * The scenario flags shared by {@code serve}, {@code participant} and {@code swarm} (the same names and
 * defaults as {@code simulate}): every process of a network federation derives the same data, model, seeds
 * and schedule from them, so they must be given identically to each. Not thread-safe (picocli fills it).
 */
public final class ScenarioOptions {
  @Option(names = "--dataset", paramLabel = "SPEC", defaultValue = "synthetic:0,0",
      description = "synthetic:ALPHA,BETA | synthetic-iid | fashion-mnist[:PATH] (default: ${DEFAULT-VALUE})")
  String dataset;

  @Option(names = "--partition", paramLabel = "SPEC",
      description = "natural | iid | dirichlet:ALPHA | shards:K (default: natural for synthetic, iid otherwise)")
  String partition;

  @Option(names = "--participants", paramLabel = "N", defaultValue = "30",
      description = "participants in the scenario (default: ${DEFAULT-VALUE})")
  int participants;

  @Option(names = "--per-round", paramLabel = "M", description = "participants selected per round (default: min(N, 10))")
  Integer perRound;

  @Option(names = "--min-updates", paramLabel = "Q", defaultValue = "1",
      description = "quorum: accepted updates a round needs to commit (default: ${DEFAULT-VALUE})")
  int minUpdates;

  @Option(names = "--rounds", paramLabel = "R", defaultValue = "20",
      description = "rounds (async: aggregations) to commit (default: ${DEFAULT-VALUE})")
  int rounds;

  @Option(names = "--model", paramLabel = "SPEC", defaultValue = "logreg",
      description = "logreg | mlp:HIDDEN | noop:N (serve/swarm only: N zeros, no data, no training, for protocol benchmarks) "
          + "(default: ${DEFAULT-VALUE})")
  String model;

  @Option(names = "--strategy", paramLabel = "NAME[:k=v,...]", defaultValue = "fedavg",
      description = "aggregation strategy (default: ${DEFAULT-VALUE})")
  String strategy;

  @Option(names = "--selection", paramLabel = "NAME[:k=v,...]", defaultValue = "uniform",
      description = "selection policy, e.g. fair-quota:max-share=0.5 for a participation quota (default: ${DEFAULT-VALUE})")
  String selection;

  @Option(names = "--local-epochs", paramLabel = "E", defaultValue = "1", description = "local epochs (default: ${DEFAULT-VALUE})")
  int localEpochs;

  @Option(names = "--batch-size", paramLabel = "B", defaultValue = "10", description = "mini-batch size (default: ${DEFAULT-VALUE})")
  int batchSize;

  @Option(names = "--lr", paramLabel = "LR", defaultValue = "0.01", description = "local learning rate (default: ${DEFAULT-VALUE})")
  float lr;

  @Option(names = "--l2", paramLabel = "L2", defaultValue = "0", description = "L2 weight decay (default: ${DEFAULT-VALUE})")
  float l2;

  @Option(names = "--stragglers", paramLabel = "FRACTION", defaultValue = "0",
      description = "fraction of each round's cohort that completes only 1..E-1 epochs (default: ${DEFAULT-VALUE})")
  double stragglers;

  @Option(names = "--devices", paramLabel = "MIX", defaultValue = "uniform",
      description = "device population: uniform | mixed | dropout:P (default: ${DEFAULT-VALUE})")
  String devices;

  @Option(names = "--seed", paramLabel = "S", defaultValue = "1", description = "random seed (default: ${DEFAULT-VALUE})")
  long seed;

  @Option(names = "--deadline", paramLabel = "SECONDS", defaultValue = "600",
      description = "round (async: task) deadline in seconds (default: ${DEFAULT-VALUE})")
  double deadlineSeconds;

  /** The simulation configuration these flags describe. */
  SimulationConfig toConfig() {
    return toBuilder().build();
  }

  /** A builder preset with these flags, for commands that add flags of their own. */
  SimulationConfig.Builder toBuilder() {
    return SimulationConfig.builder().dataset(dataset).partition(partition).participants(participants)
        .perRound(perRound).minUpdates(minUpdates).rounds(rounds).model(model).strategy(strategy)
        .selection(selection).localEpochs(localEpochs).batchSize(batchSize).learningRate(lr).l2(l2)
        .stragglers(stragglers).devices(devices).seed(seed)
        .roundDeadline(Duration.ofMillis(Math.max(1, Math.round(deadlineSeconds * 1000))));
  }
}
