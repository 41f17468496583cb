package io.flotilla.sim.inprocess;

import io.flotilla.engine.api.Extensions;
import io.flotilla.engine.api.Federation;
import io.flotilla.engine.api.FederationBuilder;
import io.flotilla.engine.api.FederationConfig;
import io.flotilla.engine.api.FederationEvent;
import io.flotilla.engine.model.ModelState;
import io.flotilla.engine.model.ParameterLayout;
import io.flotilla.engine.model.TensorSpec;
import io.flotilla.engine.spi.AggregationStrategy;
import io.flotilla.engine.spi.SelectionPolicy;
import io.flotilla.engine.store.FederationStore;
import io.flotilla.sim.adversary.Adversary;
import io.flotilla.sim.data.Dataset;
import io.flotilla.sim.data.FashionMnist;
import io.flotilla.sim.data.FederatedData;
import io.flotilla.sim.data.PartitionSpec;
import io.flotilla.sim.data.SyntheticFedProx;
import io.flotilla.sim.device.DeviceMix;
import io.flotilla.sim.learn.Model;
import io.flotilla.sim.learn.TensorShape;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A whole federation in one process: data set, partition, simulated participants on a worker pool and the
 * real coordinator, wired through the public {@link Federation} facade. With a fixed seed the final model
 * is identical bit for bit across runs (participants train with derived seeds and the coordinator folds
 * updates in cohort order). Thread-safe; {@link #close()} is idempotent.
 */
public final class InProcessSimulation implements AutoCloseable {
  private final SimulationConfig config;
  private final Federation federation;
  private final List<SimulatedParticipant> participants = new ArrayList<>();
  private final ExecutorService workers;
  private final Map<Long, Set<String>> stragglers = new ConcurrentHashMap<>();
  private final String dataDescription;
  private final Model model;

  private final LearningOptions learning;
  private final java.util.concurrent.atomic.AtomicReference<Normalization> normalization =
      new java.util.concurrent.atomic.AtomicReference<>();
  private final java.util.concurrent.atomic.AtomicLong lastStartedRound = new java.util.concurrent.atomic.AtomicLong();
  private final SimulationFaults faults;

  private InProcessSimulation(SimulationConfig config, Extensions extensions, Clock clock, FederationStore store) {
    this(config, LearningOptions.none(), null, "simulation", extensions, clock, store);
  }

  /**
   * @param members participant indices that take part (null: all); the others' data still counts in the
   *     central evaluation (A/B runs split one population into two federations this way)
   */
  private InProcessSimulation(SimulationConfig config, LearningOptions learning, Set<Integer> members, String name,
      Extensions extensions, Clock clock, FederationStore store) {
    this.config = config;
    this.learning = learning;
    AggregationStrategy strategy = extensions.strategy(config.strategy());
    SelectionPolicy selection = extensions.selection(config.selection());
    FederatedData data = loadData(config);
    this.dataDescription = data.description();
    Dataset first = data.participantTrain().get(0);
    this.model = Model.parse(config.model(), first.features(), first.classes());
    ParameterLayout layout = layoutOf(model.tensors());
    ModelState initial = ModelState.of(layout, model.initialParameters(Seeds.derive(config.seed(), 0, 0, 4)), 0);
    Dataset pooledTrain = Dataset.concat(data.participantTrain());
    FederationConfig fc = FederationConfig.builder()
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
    this.federation = new FederationBuilder()
        .config(fc)
        .initialModel(initial)
        .strategy(strategy)
        .selection(selection)
        .evaluator(new CentralEvaluator(model, pooledTrain, data.test(), normalization))
        .learningControl(learning.toControl(extensions))
        .clock(clock)
        .safeguards(SimulationSafeguards.of(config, extensions))
        .store(store)
        .build();
    int threads = Math.max(1, Runtime.getRuntime().availableProcessors());
    AtomicInteger n = new AtomicInteger();
    this.workers = Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, "flotilla-sim-worker-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    federation.subscribe(this::onEvent);
    DeviceMix mix = config.deviceMix();
    List<Dataset> shards = data.participantTrain();
    Map<Integer, Adversary> attackers = config.adversaryPlan().assign(shards.size(), config.seed());
    int width = Integer.toString(shards.size() - 1).length();
    Map<Integer, io.flotilla.sim.data.DriftPlan.Shift> shifts = learning.driftPlan().assign(shards.size(),
        config.seed());
    for (int i = 0; i < shards.size(); i++) {
      if (members != null && !members.contains(i)) {
        continue;
      }
      String id = String.format("p%0" + width + "d", i);
      SimulatedParticipant sp = new SimulatedParticipant(id, i, shards.get(i), model, mix.assign(i, config.seed()),
          config.l2(), config.seed(), federation, workers, r -> stragglers.getOrDefault(r, Set.of()),
          attackers.get(i));
      sp.shareNormalization(normalization);
      io.flotilla.sim.data.DriftPlan.Shift shift = shifts.get(i);
      if (shift != null) {
        sp.injectDrift(shift, io.flotilla.sim.data.DriftPlan.shifted(shards.get(i), pooledTrain, shift.kind(),
            Seeds.derive(config.seed(), 0, i, 8)));
      }
      participants.add(sp);
    }
    Map<String, SimulatedParticipant> byId = new java.util.LinkedHashMap<>();
    for (SimulatedParticipant sp : participants) {
      byId.put(sp.id(), sp);
    }
    this.faults = new SimulationFaults(clock, byId, lastStartedRound::get,
        (sp, shift) -> io.flotilla.sim.data.DriftPlan.shifted(sp.dataAt(shift.round() - 1), pooledTrain, shift.kind(),
            Seeds.derive(config.seed(), shift.round(), indexOf(sp), 9)));
    for (SimulatedParticipant sp : participants) {
      sp.useFaults(faults);
    }
  }

  private int indexOf(SimulatedParticipant sp) {
    return participants.indexOf(sp);
  }

  /**
   * Builds the simulation and lets every participant join (rounds start with {@link #start()}).
   *
   * @throws IllegalArgumentException for a bad strategy, selection, model or partition (named in the
   *     message); {@link io.flotilla.sim.data.DatasetNotFoundException} for a missing data set
   */
  public static InProcessSimulation create(SimulationConfig config) {
    return create(config, Extensions.load(config.plugins()), Clock.systemUTC());
  }

  public static InProcessSimulation create(SimulationConfig config, Extensions extensions, Clock clock) {
    return create(config, extensions, clock, null);
  }

  /** As {@link #create(SimulationConfig)}, persisted in (and resumed from) {@code store}. */
  public static InProcessSimulation create(SimulationConfig config, FederationStore store) {
    return create(config, Extensions.load(config.plugins()), Clock.systemUTC(), store);
  }

  /**
   * Builds a simulation whose federation ("simulation") is persisted in {@code store} and, when the store
   * already holds it, resumes from its last committed round: the same flags and seed then finish with the
   * model an uninterrupted run would have. The caller closes the store after the simulation.
   *
   * @throws io.flotilla.engine.store.StoreException when the store holds an incompatible federation
   */
  public static InProcessSimulation create(SimulationConfig config, Extensions extensions, Clock clock,
      FederationStore store) {
    return join(new InProcessSimulation(config, extensions, clock, store));
  }

  /**
   * As {@link #create(SimulationConfig, Extensions, Clock, FederationStore)} with learning control: stopping
   * rules, divergence and drift alarms, drift injection and periodic calibration (ADR 0015).
   *
   * @throws IllegalArgumentException for a bad stopping rule, drift or alarm spec (named in the message)
   */
  public static InProcessSimulation create(SimulationConfig config, LearningOptions learning, Extensions extensions,
      Clock clock, FederationStore store) {
    return join(new InProcessSimulation(config, learning, null, "simulation", extensions, clock, store));
  }

  /**
   * As {@link #create(SimulationConfig, FederationStore)} with drift indicators and alarms and the divergence
   * alarm switched on ({@link LearningOptions#monitoring()}; no automatic reaction, so training is unchanged):
   * what the console runs, so that its Drift page has something to show. {@code store} may be null.
   */
  public static InProcessSimulation createMonitored(SimulationConfig config, FederationStore store) {
    return create(config, LearningOptions.monitoring(), Extensions.load(config.plugins()), Clock.systemUTC(), store);
  }

  /** As {@link #createMonitored(SimulationConfig, FederationStore)}, keeping no history. */
  public static InProcessSimulation createMonitored(SimulationConfig config) {
    return createMonitored(config, null);
  }

  /** One arm of an A/B run: only the participants in {@code members} take part, in federation {@code name}. */
  static InProcessSimulation createArm(SimulationConfig config, LearningOptions learning, Set<Integer> members,
      String name, Extensions extensions, Clock clock) {
    return join(new InProcessSimulation(config, learning, members, name, extensions, clock, null));
  }

  private static InProcessSimulation join(InProcessSimulation sim) {
    try {
      for (SimulatedParticipant p : sim.participants) {
        sim.federation.join(p.info(), p).get(30, TimeUnit.SECONDS);
        sim.federation.reportHealth(p.id(), p.health(1));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      sim.close();
      throw new IllegalStateException("interrupted while participants joined", e);
    } catch (ExecutionException | TimeoutException e) {
      sim.close();
      throw new IllegalStateException("participants could not join: " + e, e);
    }
    return sim;
  }

  static FederatedData loadData(SimulationConfig config) {
    DatasetSpec ds = config.datasetSpec();
    PartitionSpec ps = config.partitionSpec();
    long dataSeed = Seeds.derive(config.seed(), 0, 0, 3);
    int n = config.participants();
    if (ds instanceof DatasetSpec.Synthetic s) {
      if (ps instanceof PartitionSpec.Natural) {
        return SyntheticFedProx.generate(s.alpha(), s.beta(), s.iid(), n, dataSeed);
      }
      FederatedData devices = SyntheticFedProx.generate(s.alpha(), s.beta(), s.iid(),
          Math.max(SyntheticFedProx.DEFAULT_DEVICES, n), dataSeed);
      return repartition(Dataset.concat(devices.participantTrain()), devices.test(), ps, n, dataSeed,
          devices.description());
    }
    DatasetSpec.FashionMnistDir f = (DatasetSpec.FashionMnistDir) ds;
    if (ps instanceof PartitionSpec.Natural) {
      throw new IllegalArgumentException(
          "invalid --partition 'natural': Fashion-MNIST has no natural split; use iid, dirichlet:ALPHA or shards:K");
    }
    Dataset train = FashionMnist.load(f.dir(), true);
    Dataset test = FashionMnist.load(f.dir(), false);
    return repartition(train, test, ps, n, dataSeed, "Fashion-MNIST (" + f.dir() + ")");
  }

  private static FederatedData repartition(Dataset train, Dataset test, PartitionSpec ps, int parties, long seed,
      String what) {
    int[][] parts = ps.partition(train.y(), train.classes(), parties, seed);
    List<Dataset> shards = new ArrayList<>();
    for (int[] idx : parts) {
      shards.add(train.subset(idx));
    }
    return new FederatedData(shards, test, what + ", " + ps + " over " + parties + " participants");
  }

  static ParameterLayout layoutOf(List<TensorShape> shapes) {
    List<TensorSpec> specs = new ArrayList<>();
    for (TensorShape t : shapes) {
      specs.add(new TensorSpec(t.name(), t.dims()));
    }
    return new ParameterLayout(specs);
  }

  private void onEvent(FederationEvent e) {
    if (e instanceof FederationEvent.RoundCommitted || e instanceof FederationEvent.RoundAborted) {
      long next = (e instanceof FederationEvent.RoundCommitted c ? c.roundId() : ((FederationEvent.RoundAborted) e).roundId()) + 1;
      for (SimulatedParticipant p : participants) { // heartbeats before the next round
        if (faults == null || faults.cutRemaining(p.id()) == null) { // a cut network sends none
          federation.reportHealth(p.id(), p.health(next));
        }
      }
    }
    if (e instanceof FederationEvent.RoundStarted started) {
      lastStartedRound.accumulateAndGet(started.roundId(), Math::max);
    }
    if (e instanceof FederationEvent.RoundStarted rs && config.stragglers() > 0) {
      List<String> cohort = new ArrayList<>(rs.selected());
      int k = (int) Math.round(config.stragglers() * cohort.size());
      SplittableRandom rnd = new SplittableRandom(Seeds.derive(config.seed(), rs.roundId(), 0, 5));
      for (int i = 0; i < k; i++) { // partial Fisher–Yates: the first k are the stragglers
        int j = i + rnd.nextInt(cohort.size() - i);
        String t = cohort.get(i);
        cohort.set(i, cohort.get(j));
        cohort.set(j, t);
      }
      stragglers.put(rs.roundId(), new HashSet<>(cohort.subList(0, k)));
      stragglers.remove(rs.roundId() - 2);
    }
  }

  public SimulationConfig config() {
    return config;
  }

  public Federation federation() {
    return federation;
  }

  public Model model() {
    return model;
  }

  public List<SimulatedParticipant> participants() {
    return List.copyOf(participants);
  }

  /** Live fault injection into this simulation's participants (for demos and the console's Faults panel). */
  public SimulationFaults faults() {
    return faults;
  }

  public LearningOptions learning() {
    return learning;
  }

  /** Evaluates {@code params} on participant {@code p}'s current local data (normalized if calibrated). */
  public io.flotilla.sim.learn.Evaluation evaluateOn(SimulatedParticipant p, float[] params, long round) {
    return model.evaluate(params, Normalization.apply(normalization.get(), p.dataAt(round)));
  }

  public String dataDescription() {
    return dataDescription;
  }

  public void start() {
    federation.start();
  }

  /** Waits for the federation to finish, stop or fail. */
  public boolean await(Duration timeout) throws InterruptedException {
    return federation.awaitTermination(timeout);
  }

  @Override
  public void close() {
    faults.close();
    federation.close();
    workers.shutdownNow();
  }
}
