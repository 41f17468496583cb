package io.flotilla.engine.converge;

import io.flotilla.engine.spi.ExtensionParams;
import io.flotilla.engine.spi.ParamSpec;
import io.flotilla.engine.spi.StoppingRule;
import io.flotilla.engine.spi.StoppingRuleProvider;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Provides {@code plateau:metric=test_loss,window=5,min=0.001}: stop when the best value of the last
 * {@code window} rounds improves on the best value before them by less than {@code min} (early stopping with
 * patience, Prechelt 1998). Never stops before {@code window + 1} rounds have a value. Instances keep the
 * curve; confined to the coordinator thread.
 */
public final class PlateauRuleProvider implements StoppingRuleProvider {
  @Override
  public String name() {
    return "plateau";
  }

  @Override
  public String description() {
    return "stop when a metric stops improving by a minimum amount over a window of rounds";
  }

  @Override
  public List<ParamSpec> parameters() {
    return List.of(
        ParamSpec.ofString("metric", "test_loss", "metric name (losses should fall, others rise)"),
        ParamSpec.ofInt("window", 5, "rounds without sufficient improvement before stopping"),
        ParamSpec.ofDouble("min", 0.001, "smallest improvement that counts (absolute)"));
  }

  @Override
  public StoppingRule create(ExtensionParams p) {
    String metric = p.getString("metric");
    int window = p.getInt("window");
    double min = p.getDouble("min");
    if (window < 1 || min < 0) {
      throw new IllegalArgumentException("'plateau' needs window >= 1 and min >= 0, got window=" + window
          + ", min=" + min);
    }
    return new Plateau(metric, window, min);
  }

  static final class Plateau extends MetricHistoryRule {
    private final int window;
    private final double min;

    Plateau(String metric, int window, double min) {
      super(metric);
      this.window = window;
      this.min = min;
    }

    @Override
    public String name() {
      return "plateau:metric=" + metric + ",window=" + window + ",min=" + min;
    }

    @Override
    protected Optional<String> judge(List<Double> scores) {
      int n = scores.size();
      if (n <= window) {
        return Optional.empty();
      }
      double before = Double.NEGATIVE_INFINITY;
      for (int i = 0; i < n - window; i++) {
        before = Math.max(before, scores.get(i));
      }
      double recent = Double.NEGATIVE_INFINITY;
      for (int i = n - window; i < n; i++) {
        recent = Math.max(recent, scores.get(i));
      }
      double gain = recent - before;
      if (gain < min) {
        return Optional.of(String.format(Locale.ROOT, "%s improved by %.5f over the last %d rounds (< %s)",
            metric, gain, window, min));
      }
      return Optional.empty();
    }
  }
}
