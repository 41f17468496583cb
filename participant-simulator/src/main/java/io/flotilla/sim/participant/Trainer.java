package io.flotilla.sim.participant;

import io.flotilla.engine.model.ParameterLayout;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.function.BooleanSupplier;

/**
 * The local learning behind a network participant: a real trainer (your model code) or a simulated one.
 * {@link ParticipantClient} downloads the global model, calls {@link #train}, and uploads the result; it
 * never looks inside. Implementations must be safe to call from one runtime thread at a time.
 */
public interface Trainer {
  /** What the participant declares when it joins (never raw data). */
  Profile profile();

  /**
   * Trains on local data from {@code task.parameters()} and returns the proposed change.
   *
   * @return the update, or {@link Result#failed} when the participant cannot deliver (it is reported to the
   *     coordinator as a failure)
   * @throws Exception for unexpected trainer errors (also reported as a failure)
   */
  Result train(Task task) throws Exception;

  /** Evaluates {@code parameters} on local data; the default says it cannot. */
  default Evaluation evaluate(ParameterLayout layout, float[] parameters) {
    throw new UnsupportedOperationException("this trainer does not evaluate");
  }

  /** Whether {@link #evaluate} is implemented (announced to the coordinator in the hello). */
  default boolean canEvaluate() {
    return false;
  }

  /** A participant's declaration: device class, sample count and label histogram. */
  record Profile(String deviceClass, long sampleCount, long[] labelHistogram) {
    public Profile {
      Objects.requireNonNull(deviceClass, "deviceClass");
      labelHistogram = labelHistogram == null ? new long[0] : labelHistogram.clone();
    }

    @Override
    public long[] labelHistogram() {
      return labelHistogram.clone();
    }
  }

  /**
   * One round's work.
   *
   * @param parameters the global model to start from (a private copy the trainer may modify)
   * @param config strategy and coordinator instructions (e.g. {@code mu} for FedProx)
   * @param deadline the coordinator's deadline; work finished later is abandoned
   * @param cancelled true once the round is cancelled or its deadline passed; long trainers poll it
   */
  record Task(long roundId, long baseVersion, ParameterLayout layout, float[] parameters, int localEpochs,
      int batchSize, float learningRate, Map<String, Double> config, Instant deadline, BooleanSupplier cancelled) {
    public Task {
      config = config == null ? Map.of() : Map.copyOf(config);
    }

    public double configValue(String key, double fallback) {
      Double v = config.get(key);
      return v == null ? fallback : v;
    }
  }

  /**
   * A trainer's answer.
   *
   * @param delta local weights − base weights (null when failed)
   * @param trainingMillis how long training took as the provenance should report it (simulated devices
   *     scale the real time by their speed)
   * @param failure why the participant cannot deliver (null on success)
   */
  record Result(float[] delta, long sampleCount, int completedEpochs, int requestedEpochs,
      Map<String, Double> metrics, long trainingMillis, String failure) {
    public Result {
      metrics = metrics == null ? Map.of() : Map.copyOf(metrics);
    }

    public static Result of(float[] delta, long sampleCount, int completedEpochs, int requestedEpochs,
        Map<String, Double> metrics, long trainingMillis) {
      return new Result(Objects.requireNonNull(delta, "delta"), sampleCount, completedEpochs, requestedEpochs,
          metrics, trainingMillis, null);
    }

    public static Result failed(String reason) {
      return new Result(null, 0, 0, 0, Map.of(), 0, Objects.requireNonNull(reason, "reason"));
    }

    public boolean isFailure() {
      return failure != null;
    }
  }

  /** Loss and accuracy of a model on local data. */
  record Evaluation(long samples, double loss, double accuracy, Map<String, Double> metrics) {
    public Evaluation {
      metrics = metrics == null ? Map.of() : Map.copyOf(metrics);
    }
  }
}
