package io.flotilla.sim.inprocess;

import io.flotilla.engine.api.Calibration;
import io.flotilla.engine.api.CalibrationReport;
import io.flotilla.engine.api.CalibrationTask;
import io.flotilla.engine.api.Federation;
import io.flotilla.engine.api.Health;
import io.flotilla.engine.api.ParticipantInfo;
import io.flotilla.engine.api.ParticipantLink;
import io.flotilla.engine.api.PhaseTimings;
import io.flotilla.engine.api.Provenance;
import io.flotilla.engine.api.TrainingTask;
import io.flotilla.engine.api.Update;
import io.flotilla.sim.adversary.Adversary;
import io.flotilla.engine.converge.FeatureStatistics;
import io.flotilla.sim.data.Dataset;
import io.flotilla.sim.data.DriftPlan;
import io.flotilla.sim.learn.Evaluation;
import io.flotilla.sim.device.DeviceProfile;
import io.flotilla.sim.device.HealthModel;
import io.flotilla.sim.learn.Model;
import io.flotilla.sim.learn.TrainConfig;
import io.flotilla.sim.learn.TrainResult;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongFunction;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One simulated participant in the same process as the coordinator: it trains its local shard when
 * instructed, on a shared worker pool, and answers through the {@link Federation} facade exactly as a
 * remote participant's session would. Every random choice (dropout, straggling, batch order) is drawn
 * from a seed derived from (run seed, round, participant index), so results do not depend on thread
 * timing. An adversarial participant ({@link Adversary}) trains on poisoned data or tampers with its delta
 * before submitting it. Thread-safe.
 */
public final class SimulatedParticipant implements ParticipantLink {
  private static final Logger log = LoggerFactory.getLogger(SimulatedParticipant.class);

  private final String id;
  private final int index;
  private final Dataset data;
  private final Model model;
  private final DeviceProfile device;
  private final float l2;
  private final long seed;
  private final Federation federation;
  private final Executor workers;
  private final LongFunction<Set<String>> stragglersOfRound;
  private final Adversary adversary;
  private final Dataset trainingData;
  // learning control (issue 7): injected drift and the normalization published by calibration rounds
  private volatile DriftState driftState;
  private AtomicReference<Normalization> normalization = new AtomicReference<>();
  // live fault injection (SimulationFaults): an attack turned on (or off) from a round, and the fault registry
  private volatile InjectedAttack injectedAttack;
  private volatile SimulationFaults faults;

  /** Injected drift: from {@code shift.round()} on the participant trains on {@code data}. */
  private record DriftState(DriftPlan.Shift shift, Dataset data, Dataset training) {}

  /** From round {@code from} on the participant mounts {@code adversary} (null: trains honestly). */
  private record InjectedAttack(Adversary adversary, long from) {}

  SimulatedParticipant(String id, int index, Dataset data, Model model, DeviceProfile device, float l2, long seed,
      Federation federation, Executor workers, LongFunction<Set<String>> stragglersOfRound) {
    this(id, index, data, model, device, l2, seed, federation, workers, stragglersOfRound, null);
  }

  SimulatedParticipant(String id, int index, Dataset data, Model model, DeviceProfile device, float l2, long seed,
      Federation federation, Executor workers, LongFunction<Set<String>> stragglersOfRound, Adversary adversary) {
    this.id = id;
    this.index = index;
    this.data = data;
    this.model = model;
    this.device = device;
    this.l2 = l2;
    this.seed = seed;
    this.federation = federation;
    this.workers = workers;
    this.stragglersOfRound = stragglersOfRound;
    this.adversary = adversary;
    this.trainingData = adversary == null ? data : adversary.trainingData(data);
  }

  /**
   * From {@code s.round()} on, trains on {@code shifted} instead of its own shard (drift injection). Call before
   * the federation starts.
   */
  void injectDrift(DriftPlan.Shift s, Dataset shifted) {
    this.driftState = new DriftState(s, shifted, adversary == null ? shifted : adversary.trainingData(shifted));
  }

  /**
   * From round {@code from} on mounts {@code attack}; null goes back to the attack it was created with (none for
   * an honest participant). Any thread (fault injection while the simulation runs).
   */
  void turnAdversarial(Adversary attack, long from) {
    this.injectedAttack = new InjectedAttack(attack == null ? adversary : attack, from);
  }

  /** Consults {@code f} for injected drops, slow-downs and network cuts. */
  void useFaults(SimulationFaults f) {
    this.faults = f;
  }

  /** The attack in force in {@code round}: the injected one once it applies, else the configured one. */
  private Adversary attackAt(long round) {
    InjectedAttack ia = injectedAttack;
    return ia != null && round >= ia.from() ? ia.adversary() : adversary;
  }

  /** Shares the normalization holder with the simulation's central evaluator. */
  void shareNormalization(AtomicReference<Normalization> holder) {
    this.normalization = holder;
  }

  /** The injected drift, or null. */
  public DriftPlan.Shift drift() {
    DriftState d = driftState;
    return d == null ? null : d.shift();
  }

  /** The local data in force in {@code round} (raw features). */
  Dataset dataAt(long round) {
    DriftState d = driftState;
    return d != null && round >= d.shift().round() ? d.data() : data;
  }

  /** Its attack, or null for an honest participant. */
  public Adversary adversary() {
    return adversary;
  }

  /** The heartbeat this participant's device sends before round {@code round}. */
  public Health health(long round) {
    return HealthModel.reading(device.deviceClass(), seed, round, index);
  }

  public String id() {
    return id;
  }

  public Dataset data() {
    return data;
  }

  public DeviceProfile device() {
    return device;
  }

  ParticipantInfo info() {
    return new ParticipantInfo(id, device.deviceClass(), data.size(), data.labelHistogram());
  }

  @Override
  public void instruct(TrainingTask task) {
    SimulationFaults f = faults;
    java.time.Duration cut = f == null ? null : f.cutRemaining(id);
    if (cut != null) { // nothing reaches the participant; it reports once its network is back
      log.info("participant {}: network cut, round {} not received", id, task.roundId());
      f.later(cut, () -> federation.reportFailure(id, task.roundId(), "network cut (fault injected): lost contact for "
          + cut.toMillis() / 1000 + " s"));
      return;
    }
    workers.execute(() -> {
      try {
        work(task);
      } catch (RejectedExecutionException e) {
        // the federation was closed (or its queue is full) while this participant worked: nobody listens
        log.debug("participant {}: round {} result not delivered: {}", id, task.roundId(), e.getMessage());
      } catch (RuntimeException e) {
        log.warn("participant {} failed in round {}", id, task.roundId(), e);
        try {
          federation.reportFailure(id, task.roundId(), "local training failed: " + e.getMessage());
        } catch (RejectedExecutionException closed) {
          log.debug("participant {}: failure of round {} not delivered: {}", id, task.roundId(), closed.getMessage());
        }
      }
    });
  }

  private void work(TrainingTask task) {
    long round = task.roundId();
    SplittableRandom rnd = new SplittableRandom(Seeds.derive(seed, round, index, 1));
    SimulationFaults f = faults;
    if (f != null && f.dropped(id, round)) {
      federation.reportFailure(id, round, "dropped (fault injected)");
      return;
    }
    if (device.dropout() > 0 && rnd.nextDouble() < device.dropout()) {
      federation.reportFailure(id, round, "dropped out (device " + device.deviceClass() + ")");
      return;
    }
    int requested = task.localEpochs();
    int epochs = requested;
    if (stragglersOfRound.apply(round).contains(id)) {
      if (requested <= 1) {
        federation.reportFailure(id, round, "straggler: could not finish one epoch before the deadline");
        return;
      }
      epochs = 1 + rnd.nextInt(requested - 1); // 1..E-1, as FedProx's randint(1, E)
    }
    float[] start = task.model().copyParameters();
    DriftState drift = driftState;
    boolean drifted = drift != null && round >= drift.shift().round();
    Dataset current = drifted ? drift.data() : data;
    Adversary adversary = attackAt(round);
    Dataset attacked = adversary == this.adversary
        ? (drifted ? drift.training() : this.trainingData)
        : (adversary == null ? current : adversary.trainingData(current));
    Dataset trainingData = Normalization.apply(normalization.get(), attacked);
    Map<String, Double> metrics = new LinkedHashMap<>();
    if (task.configValue("report_initial_loss", 0.0) == 1.0 || (adversary != null && adversary.skipsTraining())) {
      metrics.put("initial_loss", model.evaluate(start, trainingData).loss()); // F_k(w^t), for q-FedAvg
    }
    double mu = task.configValue("mu", 0.0);
    TrainConfig cfg = new TrainConfig(epochs, task.batchSize(), task.learningRate(), l2, (float) mu,
        mu > 0 ? start : null);
    long t0 = System.nanoTime();
    float[] delta;
    int completed;
    if (adversary != null && adversary.skipsTraining()) {
      delta = new float[start.length]; // a free rider sends the base model back and claims the loss it saw
      completed = requested;
      metrics.put("train_loss", metrics.get("initial_loss"));
    } else {
      TrainResult res = model.train(start, trainingData, cfg, Seeds.derive(seed, round, index, 2));
      float[] local = res.params();
      delta = new float[local.length];
      for (int i = 0; i < delta.length; i++) {
        delta[i] = local[i] - start[i];
      }
      completed = res.epochsCompleted();
      metrics.put("train_loss", res.meanLoss());
    }
    if (adversary != null) {
      adversary.tamper(delta, Seeds.derive(seed, round, index, 7));
    }
    long realMs = (System.nanoTime() - t0) / 1_000_000;
    double slow = f == null ? 1 : f.slowFactor(id, round);
    long simulatedMs = Math.round(realMs * slow / device.speed());
    Provenance prov = new Provenance(device.deviceClass(), simulatedMs, current.size(), current.labelHistogram());
    Update update = new Update(id, round, task.baseVersion(), task.nonce(), delta, current.size(),
        completed, requested, metrics, prov);
    // telemetry for the console's timeline: transfers modelled from the device's link (float32 both ways),
    // from their own seed so that they never shift any other random choice
    long bytes = 4L * start.length;
    PhaseTimings phases = device.phases(bytes, 4L * delta.length, simulatedMs, Seeds.derive(seed, round, index, 11));
    // the phase report goes first: the coordinator handles both in order, so it is published even when this
    // update is the last one of the last round (sent after it, it raced the federation's end and was lost)
    if (slow > 1) { // training took slow× as long: the update leaves that much later
      f.later(java.time.Duration.ofMillis(Math.round((slow - 1) * Math.max(1, realMs))), () -> {
        federation.reportPhases(id, round, phases);
        federation.submitUpdate(update);
      });
      return;
    }
    federation.reportPhases(id, round, phases);
    federation.submitUpdate(update);
  }

  /**
   * A calibration round: evaluates the global model on the local data (normalized as currently published) and
   * reports the raw features' sufficient statistics and the label histogram. Trains nothing.
   */
  @Override
  public boolean calibrate(CalibrationTask task) {
    if (model == null) {
      return false;
    }
    workers.execute(() -> {
      try {
        long round = Math.max(1, task.model().version() + 1);
        Dataset current = dataAt(round);
        Evaluation ev = model.evaluate(task.model().copyParameters(),
            Normalization.apply(normalization.get(), current));
        double[][] st = FeatureStatistics.local(current.x(), current.size(), current.features());
        federation.submitCalibration(new CalibrationReport(id, task.calibrationId(), task.nonce(), current.size(),
            ev.loss(), ev.accuracy(), st[0], st[1], current.labelHistogram()));
      } catch (RuntimeException e) {
        log.warn("participant {} failed calibration {}", id, task.calibrationId(), e);
      }
    });
    return true;
  }

  /** Applies the published normalization from the next round on (shared with the central evaluator). */
  @Override
  public void applyCalibration(Calibration calibration) {
    Normalization n = Normalization.of(calibration, data.features());
    if (n != null) {
      Normalization cur = normalization.get();
      if (cur == null || cur.calibrationId() < n.calibrationId()) {
        normalization.compareAndSet(cur, n);
      }
    }
  }
}
