package io.flotilla.sim.inprocess;

import io.flotilla.sim.data.PartitionSpec;

import io.flotilla.sim.adversary.AdversaryPlan;
import io.flotilla.sim.device.DeviceMix;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Everything that defines an in-process simulation run; with the same values (seed included) a run
 * reproduces the same global model bit for bit. Immutable; use {@link #builder()}.
 *
 * @param partition null means the data set's default ({@code natural} for synthetic, {@code iid} otherwise)
 * @param stragglers fraction of each round's cohort that completes only 1..E−1 of E local epochs
 * @param adversaries {@code none} or {@code KIND:FRACTION[:PARAM],...} (see {@link AdversaryPlan})
 * @param validation update validators: {@code default} (norm and direction), {@code none}, or specs
 *     separated by {@code ;} such as {@code norm:z=3;direction:min-cosine=0}
 * @param suspendAfter suspicious updates after which a participant is suspended (0 = never)
 * @param dp null, or central differential privacy {@code clip=C,noise=Z,delta=D[,budget=EPS]}
 * @param plugins a folder of plugin jars, or null
 */
public record SimulationConfig(
    String dataset,
    String partition,
    int participants,
    int perRound,
    int minUpdates,
    int rounds,
    String model,
    String strategy,
    String selection,
    int localEpochs,
    int batchSize,
    float learningRate,
    float l2,
    double stragglers,
    String devices,
    long seed,
    Duration roundInterval,
    Duration roundDeadline,
    String adversaries,
    String validation,
    int suspendAfter,
    String dp,
    Path plugins) {

  public SimulationConfig {
    Objects.requireNonNull(dataset, "dataset");
    positive("--participants", participants);
    positive("--per-round", perRound);
    positive("--min-updates", minUpdates);
    positive("--rounds", rounds);
    positive("--local-epochs", localEpochs);
    positive("--batch-size", batchSize);
    if (perRound > participants) {
      throw new IllegalArgumentException(
          "--per-round (" + perRound + ") must not exceed --participants (" + participants + ")");
    }
    if (minUpdates > perRound) {
      throw new IllegalArgumentException(
          "--min-updates (" + minUpdates + ") must not exceed --per-round (" + perRound + ")");
    }
    if (!(learningRate > 0) || !Float.isFinite(learningRate)) {
      throw new IllegalArgumentException("--lr must be a positive number, got " + learningRate);
    }
    if (!(l2 >= 0) || !Float.isFinite(l2)) {
      throw new IllegalArgumentException("--l2 must be >= 0, got " + l2);
    }
    if (!(stragglers >= 0 && stragglers <= 1)) {
      throw new IllegalArgumentException("--stragglers must be a fraction in [0, 1], got " + stragglers);
    }
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(strategy, "strategy");
    Objects.requireNonNull(selection, "selection");
    Objects.requireNonNull(devices, "devices");
    Objects.requireNonNull(roundInterval, "roundInterval");
    Objects.requireNonNull(roundDeadline, "roundDeadline");
    // fail early, with the flag's name, on values that only parse later
    DatasetSpec.parse(dataset);
    if (partition != null) {
      PartitionSpec.parse(partition);
    }
    DeviceMix.parse(devices);
    Objects.requireNonNull(adversaries, "adversaries");
    Objects.requireNonNull(validation, "validation");
    AdversaryPlan.parse(adversaries);
    if (validation.isBlank()) {
      throw new IllegalArgumentException("--validation must not be empty (use default or none)");
    }
    if (suspendAfter < 0) {
      throw new IllegalArgumentException("--suspend-after must be >= 0 (0 = never), got " + suspendAfter);
    }
    if (dp != null) {
      DpSpec.parse(dp);
    }
  }

  private static void positive(String flag, long v) {
    if (v <= 0) {
      throw new IllegalArgumentException(flag + " must be a positive number, got " + v);
    }
  }

  public DatasetSpec datasetSpec() {
    return DatasetSpec.parse(dataset);
  }

  /** The partition to use, resolving the default for the data set. */
  public PartitionSpec partitionSpec() {
    if (partition != null) {
      return PartitionSpec.parse(partition);
    }
    return datasetSpec() instanceof DatasetSpec.Synthetic
        ? new PartitionSpec.Natural() : new PartitionSpec.Iid();
  }

  public DeviceMix deviceMix() {
    return DeviceMix.parse(devices);
  }

  public AdversaryPlan adversaryPlan() {
    return AdversaryPlan.parse(adversaries);
  }

  /** The configuration as plain values, for the JSON report. */
  public Map<String, Object> describe() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("dataset", datasetSpec().toString());
    m.put("partition", partitionSpec().toString());
    m.put("participants", participants);
    m.put("per_round", perRound);
    m.put("min_updates", minUpdates);
    m.put("rounds", rounds);
    m.put("model", model);
    m.put("strategy", strategy);
    m.put("selection", selection);
    m.put("local_epochs", localEpochs);
    m.put("batch_size", batchSize);
    m.put("lr", (double) learningRate);
    m.put("l2", (double) l2);
    m.put("stragglers", stragglers);
    m.put("devices", devices);
    m.put("seed", seed);
    m.put("adversaries", adversaryPlan().toString());
    m.put("validation", validation);
    m.put("suspend_after", suspendAfter);
    if (dp != null) {
      m.put("dp", DpSpec.parse(dp).describe());
    }
    if (plugins != null) {
      m.put("plugins", plugins.toString());
    }
    return m;
  }

  /** This configuration with another aggregation strategy (for A/B runs). */
  public SimulationConfig withStrategy(String v) {
    return new SimulationConfig(dataset, partition, participants, perRound, minUpdates, rounds, model, v, selection,
        localEpochs, batchSize, learningRate, l2, stragglers, devices, seed, roundInterval, roundDeadline,
        adversaries, validation, suspendAfter, dp, plugins);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Mutable builder with the command line's defaults. Not thread-safe. */
  public static final class Builder {
    private String dataset = "synthetic:0,0";
    private String partition;
    private int participants = 30;
    private Integer perRound;
    private int minUpdates = 1;
    private int rounds = 20;
    private String model = "logreg";
    private String strategy = "fedavg";
    private String selection = "uniform";
    private int localEpochs = 1;
    private int batchSize = 10;
    private float learningRate = 0.01f;
    private float l2 = 0f;
    private double stragglers = 0;
    private String devices = "uniform";
    private long seed = 1;
    private Duration roundInterval = Duration.ZERO;
    private Duration roundDeadline = Duration.ofMinutes(10);
    private String adversaries = "none";
    private String validation = "none";
    private int suspendAfter = 3;
    private String dp;
    private Path plugins;

    public Builder dataset(String v) { dataset = v; return this; }
    public Builder partition(String v) { partition = v; return this; }
    public Builder participants(int v) { participants = v; return this; }
    public Builder perRound(Integer v) { perRound = v; return this; }
    public Builder minUpdates(int v) { minUpdates = v; return this; }
    public Builder rounds(int v) { rounds = v; return this; }
    public Builder model(String v) { model = v; return this; }
    public Builder strategy(String v) { strategy = v; return this; }
    public Builder selection(String v) { selection = v; return this; }
    public Builder localEpochs(int v) { localEpochs = v; return this; }
    public Builder batchSize(int v) { batchSize = v; return this; }
    public Builder learningRate(float v) { learningRate = v; return this; }
    public Builder l2(float v) { l2 = v; return this; }
    public Builder stragglers(double v) { stragglers = v; return this; }
    public Builder devices(String v) { devices = v; return this; }
    public Builder seed(long v) { seed = v; return this; }
    public Builder roundInterval(Duration v) { roundInterval = v; return this; }
    public Builder roundDeadline(Duration v) { roundDeadline = v; return this; }
    public Builder adversaries(String v) { adversaries = v; return this; }
    public Builder validation(String v) { validation = v; return this; }
    public Builder suspendAfter(int v) { suspendAfter = v; return this; }
    public Builder dp(String v) { dp = v; return this; }
    public Builder plugins(Path v) { plugins = v; return this; }

    public SimulationConfig build() {
      int pr = perRound == null ? Math.min(participants, 10) : perRound;
      return new SimulationConfig(dataset, partition, participants, pr, Math.min(minUpdates, Math.max(pr, 1)),
          rounds, model, strategy, selection, localEpochs, batchSize, learningRate, l2, stragglers, devices,
          seed, roundInterval, roundDeadline, adversaries, validation, suspendAfter, dp, plugins);
    }
  }
}
