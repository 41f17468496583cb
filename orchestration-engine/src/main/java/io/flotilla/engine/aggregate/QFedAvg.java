package io.flotilla.engine.aggregate;

import io.flotilla.engine.api.Update;
import io.flotilla.engine.model.ModelState;
import io.flotilla.engine.spi.AggregationStrategy;
import io.flotilla.engine.spi.RoundAggregator;
import java.util.Map;
import java.util.Optional;

/**
 * q-FedAvg, fair resource allocation (Li, Sanjabi, Beirami and Smith, "Fair Resource Allocation in
 * Federated Learning", ICLR 2020, Algorithm 2): participants with a higher loss get more weight. With
 * {@code F_k} participant k's loss on the global model before local training, {@code δ_k} its delta and
 * {@code L} a Lipschitz estimate (1 / local learning rate in the paper):
 *
 * <pre>
 *   Δw_k = L·(w − w̄_k) = −L·δ_k
 *   Δ_k  = F_k^q · Δw_k
 *   h_k  = q·F_k^(q−1)·‖Δw_k‖² + L·F_k^q
 *   w    ← w − Σ Δ_k / Σ h_k
 * </pre>
 *
 * With {@code q = 0} it is unweighted FedAvg. {@code F_k} is read from the update's {@code initial_loss}
 * metric, which the strategy asks participants to report ({@code report_initial_loss} in the training
 * configuration); when absent the update's {@code train_loss} stands in. Streams: {@code Σ Δ_k} and
 * {@code Σ h_k} are running sums. Stateless across rounds.
 */
public final class QFedAvg implements AggregationStrategy {
  private final double q;
  private final double lipschitz;

  public QFedAvg(double q, double lipschitz) {
    this.q = q;
    this.lipschitz = lipschitz;
  }

  @Override
  public String name() {
    return "qfedavg";
  }

  @Override
  public Map<String, String> parameters() {
    return Map.of("q", Double.toString(q), "lipschitz", Double.toString(lipschitz));
  }

  @Override
  public Map<String, Double> trainingConfig() {
    return Map.of("report_initial_loss", 1.0);
  }

  /** The loss F_k the strategy uses for an update. */
  static double lossOf(Update u) {
    Double f = u.metrics().get("initial_loss");
    if (f == null || !Double.isFinite(f)) {
      f = u.metrics().get("train_loss");
    }
    if (f == null || !Double.isFinite(f) || f < 0) {
      throw new IllegalArgumentException("q-FedAvg needs the update's 'initial_loss' (or 'train_loss') metric; "
          + u.participantId() + " sent " + u.metrics().keySet());
    }
    return f + 1e-10; // as the authors' code, so that F^(q-1) is finite at F = 0
  }

  @Override
  public RoundAggregator begin(ModelState global) {
    MeanAccumulator acc = new MeanAccumulator(global.size(), 1);
    return new RoundAggregator() {
      @Override
      public void accept(Update u) {
        if (u.delta().length != global.size()) {
          throw new IllegalArgumentException("update from " + u.participantId() + " has " + u.delta().length
              + " parameters, model has " + global.size());
        }
        double f = lossOf(u);
        double n = MeanFamilyStrategy.norm(u.delta());
        double l = lipschitz;
        double fq = Math.pow(f, q);
        double h = q * Math.pow(f, q - 1) * l * l * n * n + l * fq;
        acc.add(u.delta(), l * fq, h);
      }

      @Override
      public int count() {
        return acc.count();
      }

      @Override
      public Optional<float[]> aggregate() {
        float[] step = acc.mean();
        if (step == null) {
          return Optional.empty();
        }
        for (int i = 0; i < step.length; i++) {
          step[i] = global.get(i) + step[i];
        }
        return Optional.of(step);
      }
    };
  }
}
