package io.flotilla.console.app.scenario;

import io.flotilla.sim.inprocess.SimulationConfig;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code flotilla participant} command line that joins the federation a console serves: every process
 * of a network federation derives its data shard, model and seeds from the same scenario flags, so the
 * participant is given the console's. It plays participant {@code --index I} of the scenario and takes over
 * that participant's place from the simulated one. Stateless.
 */
public final class JoinCommand {
  private JoinCommand() {}

  /** The command, with {@code I} left for the operator to fill in. */
  public static String of(SimulationConfig c, String coordinator) {
    return String.join(" ", args(c, coordinator)) + " --index I";
  }

  /**
   * The command for a federation served over mutual TLS: the participant enrolls first with an onboarding
   * bundle from the Enrollments page (made for the name of the participant it plays, e.g. {@code p03}), its
   * key stays in {@code --identity}, and the bundle names the coordinator.
   */
  public static String enrolled(SimulationConfig c) {
    // --consent: the participant's owner declares it (the default policy refuses an enrollment without it)
    List<String> a = new ArrayList<>(List.of("flotilla", "participant", "--enroll", "BUNDLE", "--identity", "DIR",
        "--consent"));
    a.addAll(scenario(c));
    return String.join(" ", a) + " --index I";
  }

  /** The arguments after {@code flotilla} (without {@code --index}). */
  public static List<String> args(SimulationConfig c, String coordinator) {
    List<String> a = new ArrayList<>(List.of("flotilla", "participant", "--coordinator", coordinator, "--insecure"));
    a.addAll(scenario(c));
    return a;
  }

  private static List<String> scenario(SimulationConfig c) {
    List<String> a = new ArrayList<>(List.of("--dataset", c.dataset()));
    if (c.partition() != null) {
      a.addAll(List.of("--partition", c.partition()));
    }
    a.addAll(List.of("--participants", Integer.toString(c.participants()),
        "--per-round", Integer.toString(c.perRound()),
        "--rounds", Integer.toString(c.rounds()),
        "--model", c.model(),
        "--strategy", c.strategy(),
        "--local-epochs", Integer.toString(c.localEpochs()),
        "--batch-size", Integer.toString(c.batchSize()),
        "--lr", Float.toString(c.learningRate()),
        "--l2", Float.toString(c.l2()),
        "--stragglers", Double.toString(c.stragglers()),
        "--devices", c.devices(),
        "--seed", Long.toString(c.seed())));
    return a;
  }
}
