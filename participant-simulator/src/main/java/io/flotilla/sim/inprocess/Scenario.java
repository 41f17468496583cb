package io.flotilla.sim.inprocess;

import io.flotilla.engine.api.Extensions;
import io.flotilla.engine.api.FederationBuilder;
import io.flotilla.engine.api.FederationConfig;
import io.flotilla.engine.model.ModelState;
import io.flotilla.engine.model.ParameterLayout;
import io.flotilla.engine.model.TensorSpec;
import io.flotilla.engine.spi.ModelEvaluator;
import io.flotilla.sim.data.Dataset;
import io.flotilla.sim.data.FederatedData;
import io.flotilla.sim.device.DeviceMix;
import io.flotilla.sim.device.DeviceProfile;
import io.flotilla.sim.learn.Model;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Everything a simulated federation derives from its {@link SimulationConfig}, in one place, so that the
 * in-process simulation, the coordinator started by {@code flotilla serve} and network participants
 * ({@code flotilla participant}, {@code flotilla swarm}) agree bit for bit: the data and its partition
 * (seed {@code derive(seed,0,0,3)}), the model and its initial parameters ({@code derive(seed,0,0,4)}),
 * participant {@code i}'s id ({@code p%0Nd}), shard and device, the federation's configuration, and each
 * round's stragglers ({@code derive(seed,round,0,5)}). Training seeds ({@code derive(seed,round,i,2)}) and
 * dropout draws ({@code derive(seed,round,i,1)}) are taken by the participants themselves.
 *
 * <p>{@code --model noop:N} describes a protocol benchmark instead: one tensor of N zeros, no data, and
 * participants that train nothing. Immutable and thread-safe.
 */
public final class Scenario {
  /** Instruction config key that marks a participant as a straggler of the round (value 1). */
  public static final String STRAGGLER_KEY = "sim.straggler";

  private final SimulationConfig config;
  private final FederatedData data;
  private final Model model;
  private final ParameterLayout layout;
  private final ModelState initial;
  private final int noopParameters;
  private final DeviceMix devices;

  private Scenario(SimulationConfig config) {
    this.config = config;
    this.devices = config.deviceMix();
    String spec = config.model().trim().toLowerCase(Locale.ROOT);
    if (spec.startsWith("noop:")) {
      int n;
      try {
        n = Integer.parseInt(spec.substring("noop:".length()).trim());
      } catch (NumberFormatException e) {
        n = -1;
      }
      if (n < 1) {
        throw new IllegalArgumentException("invalid --model '" + config.model() + "': noop:N needs a positive N");
      }
      this.noopParameters = n;
      this.data = null;
      this.model = null;
      this.layout = ParameterLayout.of(new TensorSpec("weight", n));
      this.initial = ModelState.of(layout, new float[n], 0);
      return;
    }
    this.noopParameters = 0;
    this.data = InProcessSimulation.loadData(config);
    Dataset first = data.participantTrain().get(0);
    this.model = Model.parse(config.model(), first.features(), first.classes());
    this.layout = InProcessSimulation.layoutOf(model.tensors());
    this.initial = ModelState.of(layout, model.initialParameters(Seeds.derive(config.seed(), 0, 0, 4)), 0);
  }

  /**
   * Derives the scenario (loads or generates the data set).
   *
   * @throws IllegalArgumentException for a bad model or partition; {@link io.flotilla.sim.data.DatasetNotFoundException}
   *     for a missing data set
   */
  public static Scenario of(SimulationConfig config) {
    return new Scenario(config);
  }

  public SimulationConfig config() {
    return config;
  }

  /** True for a {@code noop:N} protocol benchmark (no data, no training). */
  public boolean isNoop() {
    return noopParameters > 0;
  }

  public int participants() {
    return data == null ? config.participants() : data.participants();
  }

  /** Participant {@code i}'s id, {@code p} followed by the index zero-padded to the width of the largest. */
  public String participantId(int i) {
    int width = Integer.toString(participants() - 1).length();
    return String.format(Locale.ROOT, "p%0" + width + "d", i);
  }

  /** Participant index of an id made by {@link #participantId}, or -1. */
  public int indexOf(String participantId) {
    if (participantId == null || !participantId.startsWith("p")) {
      return -1;
    }
    try {
      int i = Integer.parseInt(participantId.substring(1));
      return i >= 0 && i < participants() && participantId(i).equals(participantId) ? i : -1;
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** The local model; null for a noop scenario. */
  public Model model() {
    return model;
  }

  public ParameterLayout layout() {
    return layout;
  }

  public ModelState initialModel() {
    return initial;
  }

  /** Participant {@code i}'s training shard; null for a noop scenario. */
  public Dataset shard(int i) {
    return data == null ? null : data.participantTrain().get(i);
  }

  public DeviceProfile device(int i) {
    return devices.assign(i, config.seed());
  }

  public String dataDescription() {
    return data == null ? "no data (noop:" + noopParameters + " protocol benchmark)" : data.description();
  }

  /** The simulator's central evaluation (pooled train data, held-out test); none for noop. */
  public ModelEvaluator evaluator() {
    if (data == null) {
      return ModelEvaluator.NONE;
    }
    return new CentralEvaluator(model, Dataset.concat(data.participantTrain()), data.test());
  }

  /** The federation settings the in-process simulation uses for this configuration. */
  public FederationConfig federationConfig(String name) {
    return FederationConfig.builder()
        .name(name)
        .rounds(config.rounds())
        .perRound(config.perRound())
        .minUpdates(config.minUpdates())
        .roundDeadline(config.roundDeadline())
        .roundInterval(config.roundInterval())
        .localEpochs(config.localEpochs())
        .batchSize(config.batchSize())
        .learningRate(config.learningRate())
        .seed(config.seed())
        .build();
  }

  /** A federation builder with this scenario's settings, initial model, strategy, selection and evaluator. */
  public FederationBuilder federationBuilder(String name, Extensions extensions, Clock clock) {
    return new FederationBuilder()
        .config(federationConfig(name))
        .initialModel(initial)
        .strategy(extensions.strategy(config.strategy()))
        .selection(extensions.selection(config.selection()))
        .evaluator(evaluator())
        .clock(clock)
        .safeguards(SimulationSafeguards.of(config, extensions));
  }

  /**
   * The stragglers of a round: the first {@code round(stragglers × |cohort|)} of a partial Fisher–Yates
   * shuffle of the cohort seeded with {@code derive(seed, round, 0, 5)}.
   */
  public Set<String> stragglers(long roundId, List<String> selected) {
    if (config.stragglers() <= 0) {
      return Set.of();
    }
    List<String> cohort = new ArrayList<>(selected);
    int k = (int) Math.round(config.stragglers() * cohort.size());
    SplittableRandom rnd = new SplittableRandom(Seeds.derive(config.seed(), roundId, 0, 5));
    for (int i = 0; i < k; i++) {
      int j = i + rnd.nextInt(cohort.size() - i);
      String t = cohort.get(i);
      cohort.set(i, cohort.get(j));
      cohort.set(j, t);
    }
    return new HashSet<>(cohort.subList(0, k));
  }
}
