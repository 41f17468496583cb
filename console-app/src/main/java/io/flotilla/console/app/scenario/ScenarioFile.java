package io.flotilla.console.app.scenario;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.flotilla.sim.inprocess.SimulationConfig;
import java.time.Duration;

/**
 * One scenario file ({@code resources/scenarios/NAME.yaml}, or any YAML file given to
 * {@code flotilla console --scenario}): the simulated federation the console runs. The keys are the
 * {@code flotilla simulate} flag names; a key left out takes that flag's default. Read by
 * {@link ScenarioCatalog}; immutable.
 *
 * @param name short name shown in the chooser
 * @param description one or two sentences for the chooser
 * @param fallback a scenario to run instead when this one's data set is not installed (Fashion-MNIST), or null
 */
public record ScenarioFile(
    String name,
    String description,
    String fallback,
    String dataset,
    String partition,
    Integer participants,
    @JsonProperty("per-round") Integer perRound,
    @JsonProperty("min-updates") Integer minUpdates,
    Integer rounds,
    @JsonProperty("round-interval-ms") Long roundIntervalMs,
    @JsonProperty("deadline") Double deadlineSeconds,
    String model,
    String strategy,
    String selection,
    @JsonProperty("local-epochs") Integer localEpochs,
    @JsonProperty("batch-size") Integer batchSize,
    Float lr,
    Float l2,
    Double stragglers,
    String devices,
    String adversaries,
    String validation,
    @JsonProperty("suspend-after") Integer suspendAfter,
    String dp,
    Long seed) {

  /**
   * The simulation this file describes (defaults for the keys it leaves out).
   *
   * @throws IllegalArgumentException naming the first value the simulation refuses
   */
  public SimulationConfig toConfig() {
    SimulationConfig.Builder b = SimulationConfig.builder();
    if (dataset != null) {
      b.dataset(dataset);
    }
    if (partition != null) {
      b.partition(partition);
    }
    if (participants != null) {
      b.participants(participants);
    }
    if (perRound != null) {
      b.perRound(perRound);
    }
    if (minUpdates != null) {
      b.minUpdates(minUpdates);
    }
    if (rounds != null) {
      b.rounds(rounds);
    }
    if (roundIntervalMs != null) {
      if (roundIntervalMs < 0) {
        throw new IllegalArgumentException("round-interval-ms must be >= 0, got " + roundIntervalMs);
      }
      b.roundInterval(Duration.ofMillis(roundIntervalMs));
    }
    if (deadlineSeconds != null) {
      if (!(deadlineSeconds > 0)) {
        throw new IllegalArgumentException("deadline (seconds) must be > 0, got " + deadlineSeconds);
      }
      b.roundDeadline(Duration.ofMillis(Math.max(1, Math.round(deadlineSeconds * 1000))));
    }
    if (model != null) {
      b.model(model);
    }
    if (strategy != null) {
      b.strategy(strategy);
    }
    if (selection != null) {
      b.selection(selection);
    }
    if (localEpochs != null) {
      b.localEpochs(localEpochs);
    }
    if (batchSize != null) {
      b.batchSize(batchSize);
    }
    if (lr != null) {
      b.learningRate(lr);
    }
    if (l2 != null) {
      b.l2(l2);
    }
    if (stragglers != null) {
      b.stragglers(stragglers);
    }
    if (devices != null) {
      b.devices(devices);
    }
    if (adversaries != null) {
      b.adversaries(adversaries);
    }
    if (validation != null) {
      b.validation(validation);
    }
    if (suspendAfter != null) {
      b.suspendAfter(suspendAfter);
    }
    if (dp != null) {
      b.dp(dp);
    }
    if (seed != null) {
      b.seed(seed);
    }
    SimulationConfig c = b.build();
    // parse the specs now, so a typo is reported when the file is read rather than when the data load
    c.datasetSpec();
    c.partitionSpec();
    c.deviceMix();
    c.adversaryPlan();
    return c;
  }
}
