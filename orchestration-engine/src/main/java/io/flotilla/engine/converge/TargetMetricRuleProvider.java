package io.flotilla.engine.converge;

import io.flotilla.engine.spi.ExtensionParams;
import io.flotilla.engine.spi.ParamSpec;
import io.flotilla.engine.spi.StoppingRule;
import io.flotilla.engine.spi.StoppingRuleProvider;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Provides {@code target:metric=test_accuracy,value=0.8}: stop once the committed round's metric reaches the
 * target (at or above it for accuracies, at or below it for losses). Stateless and thread-safe.
 */
public final class TargetMetricRuleProvider implements StoppingRuleProvider {
  @Override
  public String name() {
    return "target";
  }

  @Override
  public String description() {
    return "stop when an evaluation metric reaches a target value";
  }

  @Override
  public List<ParamSpec> parameters() {
    return List.of(
        ParamSpec.ofString("metric", "test_accuracy", "metric name (losses must fall to the value, others rise)"),
        ParamSpec.ofDouble("value", 0.8, "target value"));
  }

  @Override
  public StoppingRule create(ExtensionParams p) {
    String metric = p.getString("metric");
    double target = p.getDouble("value");
    boolean lower = Metrics.lowerIsBetter(metric);
    return new StoppingRule() {
      @Override
      public String name() {
        return "target:metric=" + metric + ",value=" + target;
      }

      @Override
      public Optional<String> check(long committedRounds, Map<String, Double> metrics) {
        Double v = metrics.get(metric);
        if (v == null || !Double.isFinite(v)) {
          return Optional.empty();
        }
        boolean reached = lower ? v <= target : v >= target;
        return reached
            ? Optional.of(String.format(Locale.ROOT, "%s %.4f reached the target %s %s", metric, v,
                lower ? "<=" : ">=", target))
            : Optional.empty();
      }
    };
  }
}
