package io.flotilla.console.app.session;

import io.flotilla.sim.inprocess.DatasetSpec;
import io.flotilla.sim.inprocess.SimulationConfig;
import java.util.Locale;
import java.util.Objects;

/**
 * What the console is connected to, in words and numbers for the top bar, the status bar and empty states.
 * Immutable.
 *
 * @param federationName the engine's name for the federation
 * @param dataName short name of the data set, e.g. "Fashion-MNIST" or "Synthetic(1, 1)"
 * @param dataDescription the long description (data set, partition, participants)
 * @param participants participants in the federation
 * @param perRound participants selected per round
 * @param rounds rounds planned before the federation finishes
 * @param model the model spec, e.g. "logreg"
 * @param strategy the aggregation strategy, e.g. "fedavg"
 */
public record SessionInfo(
    String federationName,
    String dataName,
    String dataDescription,
    int participants,
    int perRound,
    int rounds,
    String model,
    String strategy) {

  public SessionInfo {
    Objects.requireNonNull(federationName, "federationName");
    Objects.requireNonNull(dataName, "dataName");
    Objects.requireNonNull(dataDescription, "dataDescription");
  }

  /** What a configuration will run, before its data are loaded. */
  public static SessionInfo planned(SimulationConfig c) {
    String data = dataName(c.datasetSpec());
    String description = String.format(Locale.ROOT, "%s, %s over %d participants", data, c.partitionSpec(),
        c.participants());
    // InProcessSimulation names its federation "simulation"; the engine's own name replaces this once loaded
    return new SessionInfo("simulation", data, description, c.participants(), c.perRound(), c.rounds(),
        c.model(), c.strategy());
  }

  /** The same, with the engine's name and the loaded data set's own description. */
  public SessionInfo loaded(String name, String description) {
    return new SessionInfo(name, dataName, description, participants, perRound, rounds, model, strategy);
  }

  /** "20 participants · 10 per round · logreg · fedavg". */
  public String summary() {
    return participants + " participants · " + perRound + " per round · " + model + " · " + strategy;
  }

  static String dataName(DatasetSpec spec) {
    if (spec instanceof DatasetSpec.Synthetic s) {
      return s.iid() ? "Synthetic IID" : "Synthetic(" + number(s.alpha()) + ", " + number(s.beta()) + ")";
    }
    return "Fashion-MNIST";
  }

  private static String number(double v) {
    return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
  }
}
