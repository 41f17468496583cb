package io.flotilla.engine.aggregate;

import io.flotilla.engine.api.Provenance;
import io.flotilla.engine.api.Update;
import io.flotilla.engine.model.ModelState;
import io.flotilla.engine.model.ParameterLayout;
import io.flotilla.engine.model.TensorSpec;
import io.flotilla.engine.spi.AggregationStrategy;
import io.flotilla.engine.spi.RoundAggregator;
import java.util.List;
import java.util.Map;

/** Test helpers: updates and one-shot aggregation. */
final class Updates {
  private Updates() {}

  static ModelState model(float... params) {
    return ModelState.of(ParameterLayout.of(new TensorSpec("w", params.length)), params, 0);
  }

  static ModelState zeros(int n) {
    return model(new float[n]);
  }

  static Update update(String id, long samples, float... delta) {
    return update(id, samples, Map.of(), delta);
  }

  static Update update(String id, long samples, Map<String, Double> metrics, float... delta) {
    return new Update(id, 1, 0, 0, delta, samples, 1, 1, metrics, new Provenance("test", 0, samples, null));
  }

  static float[] aggregate(AggregationStrategy s, ModelState global, List<Update> updates) {
    try (RoundAggregator agg = s.begin(global)) {
      updates.forEach(agg::accept);
      return agg.aggregate().orElseThrow();
    }
  }
}
