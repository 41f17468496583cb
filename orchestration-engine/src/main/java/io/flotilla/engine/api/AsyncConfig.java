package io.flotilla.engine.api;

import java.util.Objects;

/**
 * Settings of the asynchronous buffered mode (FedBuff, Nguyen et al., AISTATS 2022, Algorithm 1): keep
 * {@code concurrency} participants training at all times, fold each arriving update into a buffer weighted
 * by {@code staleness}, and every {@code bufferSize} arrivals move the global model by
 * {@code serverLearningRate · (1/K) Σ s(τ_i)·Δ_i} and bump its version. {@link FederationConfig#rounds()}
 * counts these aggregations. Immutable.
 *
 * @param bufferSize K, updates per aggregation
 * @param concurrency C, participants kept busy
 * @param staleness the weight of an update trained τ versions ago
 * @param serverLearningRate η_g
 * @param maxStaleness updates older than this many versions are refused ({@code STALE_BASE_VERSION})
 */
public record AsyncConfig(int bufferSize, int concurrency, StalenessFunction staleness, double serverLearningRate,
    int maxStaleness) {
  public AsyncConfig {
    Objects.requireNonNull(staleness, "staleness");
    if (bufferSize < 1) {
      throw new IllegalArgumentException("--buffer must be positive, was " + bufferSize);
    }
    if (concurrency < 1) {
      throw new IllegalArgumentException("--concurrency must be positive, was " + concurrency);
    }
    if (!(serverLearningRate > 0) || !Double.isFinite(serverLearningRate)) {
      throw new IllegalArgumentException("--server-lr must be a positive number, was " + serverLearningRate);
    }
    if (maxStaleness < 0) {
      throw new IllegalArgumentException("--max-staleness must be >= 0, was " + maxStaleness);
    }
  }

  /** FedBuff's defaults for a buffer of {@code k} and {@code c} concurrent participants. */
  public static AsyncConfig fedBuff(int k, int c) {
    return new AsyncConfig(k, c, new StalenessFunction.InverseSqrt(), 1.0, 100);
  }
}
