package io.flotilla.engine.api;

import io.flotilla.engine.spi.AggregationStrategy;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

/**
 * A runtime tuning request (see {@link Federation#tune}): every field left null keeps its current value.
 * The coordinator applies the change from the next round, never the round in progress. Immutable.
 *
 * @param strategy a new aggregation strategy (created by the caller, e.g. with {@link Extensions#strategy})
 * @param perRound participants selected per round
 * @param deadline how long a round collects
 * @param learningRate local (participant) learning rate
 * @param serverLearningRate server step size applied to the aggregate step (1 = the strategy's own step)
 * @param localEpochs local epochs per round
 * @param mu proximal coefficient sent to participants (0 switches the proximal term off)
 */
public record Tuning(
    AggregationStrategy strategy,
    Integer perRound,
    Duration deadline,
    Float learningRate,
    Double serverLearningRate,
    Integer localEpochs,
    Double mu) {

  public Tuning {
    if (perRound != null && perRound <= 0) {
      throw new IllegalArgumentException("per-round must be positive, got " + perRound);
    }
    if (deadline != null && (deadline.isNegative() || deadline.isZero())) {
      throw new IllegalArgumentException("deadline must be positive, got " + deadline);
    }
    if (learningRate != null && !(learningRate > 0 && Float.isFinite(learningRate))) {
      throw new IllegalArgumentException("learning rate must be a positive finite number, got " + learningRate);
    }
    if (serverLearningRate != null && !(serverLearningRate > 0 && Double.isFinite(serverLearningRate))) {
      throw new IllegalArgumentException("server learning rate must be a positive finite number, got "
          + serverLearningRate);
    }
    if (localEpochs != null && localEpochs <= 0) {
      throw new IllegalArgumentException("local epochs must be positive, got " + localEpochs);
    }
    if (mu != null && !(mu >= 0 && Double.isFinite(mu))) {
      throw new IllegalArgumentException("mu must be >= 0, got " + mu);
    }
  }

  public static Tuning none() {
    return new Tuning(null, null, null, null, null, null, null);
  }

  public Tuning withStrategy(AggregationStrategy v) {
    return new Tuning(v, perRound, deadline, learningRate, serverLearningRate, localEpochs, mu);
  }

  public Tuning withPerRound(int v) {
    return new Tuning(strategy, v, deadline, learningRate, serverLearningRate, localEpochs, mu);
  }

  public Tuning withDeadline(Duration v) {
    return new Tuning(strategy, perRound, v, learningRate, serverLearningRate, localEpochs, mu);
  }

  public Tuning withLearningRate(float v) {
    return new Tuning(strategy, perRound, deadline, v, serverLearningRate, localEpochs, mu);
  }

  public Tuning withServerLearningRate(double v) {
    return new Tuning(strategy, perRound, deadline, learningRate, v, localEpochs, mu);
  }

  public Tuning withLocalEpochs(int v) {
    return new Tuning(strategy, perRound, deadline, learningRate, serverLearningRate, v, mu);
  }

  public Tuning withMu(double v) {
    return new Tuning(strategy, perRound, deadline, learningRate, serverLearningRate, localEpochs, v);
  }

  public boolean isEmpty() {
    return asMap().isEmpty();
  }

  /** The requested values by setting name (the keys of {@link FederationEvent.ConfigChanged}). */
  public Map<String, String> asMap() {
    Map<String, String> m = new TreeMap<>();
    if (strategy != null) {
      m.put("strategy", describe(strategy));
    }
    if (perRound != null) {
      m.put("per_round", perRound.toString());
    }
    if (deadline != null) {
      m.put("deadline_ms", Long.toString(deadline.toMillis()));
    }
    if (learningRate != null) {
      m.put("learning_rate", learningRate.toString());
    }
    if (serverLearningRate != null) {
      m.put("server_lr", serverLearningRate.toString());
    }
    if (localEpochs != null) {
      m.put("local_epochs", localEpochs.toString());
    }
    if (mu != null) {
      m.put("mu", mu.toString());
    }
    return m;
  }

  /** A strategy as {@code name:k=v,...}. */
  public static String describe(AggregationStrategy s) {
    Map<String, String> p = new TreeMap<>(s.parameters());
    if (p.isEmpty()) {
      return s.name();
    }
    StringBuilder b = new StringBuilder(s.name()).append(':');
    p.forEach((k, v) -> b.append(k).append('=').append(v).append(','));
    b.setLength(b.length() - 1);
    return b.toString();
  }
}
