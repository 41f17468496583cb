package io.flotilla.sim.participant;

import io.flotilla.engine.model.ParameterLayout;
import io.flotilla.sim.data.Dataset;
import io.flotilla.sim.device.DeviceProfile;
import io.flotilla.sim.inprocess.Scenario;
import io.flotilla.sim.inprocess.Seeds;
import io.flotilla.sim.learn.Model;
import io.flotilla.sim.learn.TrainConfig;
import io.flotilla.sim.learn.TrainResult;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Participant {@code index} of a {@link Scenario}, trained exactly as the in-process simulator's
 * participant: same shard, device, dropout draw ({@code derive(seed,round,index,1)}), straggler epochs
 * (1..E−1 when the coordinator marks it {@link Scenario#STRAGGLER_KEY}), training seed
 * ({@code derive(seed,round,index,2)}) and delta, so a network federation reproduces the in-process
 * model bit for bit. Thread-safe (the model and data are immutable).
 */
public final class SimulatedTrainer implements Trainer {
  private final int index;
  private final Dataset data;
  private final Model model;
  private final DeviceProfile device;
  private final float l2;
  private final long seed;

  public SimulatedTrainer(Scenario scenario, int index) {
    if (scenario.isNoop()) {
      throw new IllegalArgumentException("a noop scenario has no data to train on: use NoOpTrainer");
    }
    this.index = index;
    this.data = scenario.shard(index);
    this.model = scenario.model();
    this.device = scenario.device(index);
    this.l2 = scenario.config().l2();
    this.seed = scenario.config().seed();
  }

  /** The trainer for participant {@code index}: simulated, or no-op for a noop scenario. */
  public static Trainer forScenario(Scenario scenario, int index) {
    return scenario.isNoop() ? new NoOpTrainer(scenario.device(index).deviceClass(), 1)
        : new SimulatedTrainer(scenario, index);
  }

  @Override
  public Profile profile() {
    return new Profile(device.deviceClass(), data.size(), data.labelHistogram());
  }

  @Override
  public Result train(Task task) {
    long round = task.roundId();
    SplittableRandom rnd = new SplittableRandom(Seeds.derive(seed, round, index, 1));
    if (device.dropout() > 0 && rnd.nextDouble() < device.dropout()) {
      return Result.failed("dropped out (device " + device.deviceClass() + ")");
    }
    int requested = task.localEpochs();
    int epochs = requested;
    if (task.configValue(Scenario.STRAGGLER_KEY, 0) == 1) {
      if (requested <= 1) {
        return Result.failed("straggler: could not finish one epoch before the deadline");
      }
      epochs = 1 + rnd.nextInt(requested - 1);
    }
    float[] start = task.parameters();
    double mu = task.configValue("mu", 0.0);
    TrainConfig cfg = new TrainConfig(epochs, task.batchSize(), task.learningRate(), l2, (float) mu,
        mu > 0 ? start : null);
    long t0 = System.nanoTime();
    TrainResult res = model.train(start, data, cfg, Seeds.derive(seed, round, index, 2));
    long realMs = (System.nanoTime() - t0) / 1_000_000;
    float[] local = res.params();
    float[] delta = new float[local.length];
    for (int i = 0; i < delta.length; i++) {
      delta[i] = local[i] - start[i];
    }
    return Result.of(delta, data.size(), res.epochsCompleted(), requested, Map.of("train_loss", res.meanLoss()),
        Math.round(realMs / device.speed()));
  }

  @Override
  public boolean canEvaluate() {
    return true;
  }

  @Override
  public Evaluation evaluate(ParameterLayout layout, float[] parameters) {
    io.flotilla.sim.learn.Evaluation e = model.evaluate(parameters, data);
    return new Evaluation(data.size(), e.loss(), e.accuracy(), Map.of());
  }
}
