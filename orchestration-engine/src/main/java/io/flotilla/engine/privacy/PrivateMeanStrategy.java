package io.flotilla.engine.privacy;

import io.flotilla.engine.aggregate.MeanFamilyStrategy;
import io.flotilla.engine.api.PrivacyConfig;
import io.flotilla.engine.api.Update;
import io.flotilla.engine.model.ModelState;
import io.flotilla.engine.spi.AggregationStrategy;
import io.flotilla.engine.spi.RoundAggregator;
import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * Central differential privacy around a mean-family strategy (DP-FedAvg: McMahan, Ramage, Talwar and
 * Zhang, "Learning Differentially Private Recurrent Language Models", ICLR 2018, Algorithm 1 with the
 * "flat clipping" estimator): each update is clipped to L2 norm {@code C}, the clipped updates are summed
 * with equal weight, {@code N(0, (z·C)²)} noise is added to every coordinate of the sum, and the sum is
 * divided by the number of updates. The noised mean then goes through the wrapped strategy's own server
 * step (momentum, adaptive optimizers), which is post-processing and costs no privacy. Adding or removing
 * one participant changes the sum by at most C, so each round is the Gaussian mechanism with noise
 * multiplier z, subsampled by the selection; {@link RdpAccountant} accounts for it.
 *
 * <p>Sample-count or trust weighting is replaced by equal weights (weights would change the sensitivity).
 * Streams like the wrapped strategy. Used from one thread at a time.
 */
public final class PrivateMeanStrategy implements AggregationStrategy {
  private final MeanFamilyStrategy inner;
  private final PrivacyConfig config;
  private long rounds;

  public PrivateMeanStrategy(MeanFamilyStrategy inner, PrivacyConfig config) {
    this.inner = inner;
    this.config = config;
  }

  /** Wraps {@code strategy}, or explains why central DP cannot apply to it. */
  public static PrivateMeanStrategy wrap(AggregationStrategy strategy, PrivacyConfig config) {
    if (!(strategy instanceof MeanFamilyStrategy m)) {
      throw new IllegalArgumentException("--dp needs a mean-family strategy (fedavg, fedavgm, fedprox, fedadagrad, "
          + "fedadam, fedyogi, clip); '" + strategy.name() + "' is not one");
    }
    return new PrivateMeanStrategy(m, config);
  }

  public MeanFamilyStrategy inner() {
    return inner;
  }

  public PrivacyConfig config() {
    return config;
  }

  @Override
  public String name() {
    return inner.name();
  }

  @Override
  public boolean acceptsPartialWork() {
    return inner.acceptsPartialWork();
  }

  @Override
  public Map<String, Double> trainingConfig() {
    return inner.trainingConfig();
  }

  @Override
  public Map<String, String> parameters() {
    Map<String, String> p = new LinkedHashMap<>(inner.parameters());
    p.put("dp-clip", Double.toString(config.clip()));
    p.put("dp-noise", Double.toString(config.noiseMultiplier()));
    p.put("dp-delta", Double.toString(config.delta()));
    return p;
  }

  @Override
  public Map<String, float[]> state() {
    return inner.state();
  }

  @Override
  public void restore(Map<String, float[]> state) {
    inner.restore(state);
  }

  private SplittableRandom noiseFor(long round) {
    if (config.seed() == null) {
      return new SplittableRandom(new SecureRandom().nextLong());
    }
    long z = config.seed() * 0x9E3779B97F4A7C15L + round * 0xBF58476D1CE4E5B9L;
    return new SplittableRandom(z ^ (z >>> 31));
  }

  @Override
  public RoundAggregator begin(ModelState global) {
    long round = ++rounds;
    double c = config.clip();
    // Kahan-compensated running sum of the clipped deltas
    float[] sum = new float[global.size()];
    float[] comp = new float[global.size()];
    return new RoundAggregator() {
      private int count;
      private boolean done;

      @Override
      public void accept(Update u) {
        if (done) {
          throw new IllegalStateException("round already aggregated");
        }
        float[] d = u.delta();
        if (d.length != sum.length) {
          throw new IllegalArgumentException("update from " + u.participantId() + " has " + d.length
              + " parameters, model has " + sum.length);
        }
        double n = 0;
        for (float v : d) {
          n += (double) v * v;
        }
        n = Math.sqrt(n);
        float scale = (float) (n > c ? c / n : 1.0);
        for (int i = 0; i < d.length; i++) { // Kahan-compensated, as MeanAccumulator
          float y = scale * d[i] - comp[i];
          float t = sum[i] + y;
          comp[i] = (t - sum[i]) - y;
          sum[i] = t;
        }
        count++;
      }

      @Override
      public int count() {
        return count;
      }

      @Override
      public Optional<float[]> aggregate() {
        done = true;
        if (count == 0) {
          return Optional.empty();
        }
        SplittableRandom rnd = noiseFor(round);
        double std = config.noiseMultiplier() * c;
        double inv = 1.0 / count;
        for (int i = 0; i < sum.length; i++) {
          double noisy = (double) sum[i] - comp[i] + std * rnd.nextGaussian();
          sum[i] = (float) (noisy * inv);
        }
        return Optional.of(inner.serverStep(global, sum));
      }
    };
  }
}
