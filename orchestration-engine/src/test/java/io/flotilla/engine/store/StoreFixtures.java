package io.flotilla.engine.store;

import io.flotilla.engine.api.FederationConfig;
import io.flotilla.engine.model.ModelState;
import io.flotilla.engine.model.ParameterLayout;
import io.flotilla.engine.model.TensorSpec;
import io.flotilla.engine.spi.AggregationStrategy;
import io.flotilla.engine.spi.RoundAggregator;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Shared helpers for store tests. */
final class StoreFixtures {
  private StoreFixtures() {}

  static final ParameterLayout LAYOUT = ParameterLayout.of(new TensorSpec("w", 2, 2), new TensorSpec("b", 2));


  static FederationConfig config(String name) {
    return FederationConfig.builder().name(name).rounds(10).perRound(2).minUpdates(1).build();
  }

  static ModelState model(long version, float base) {
    float[] p = new float[LAYOUT.size()];
    for (int i = 0; i < p.length; i++) {
      p[i] = base + i * 0.5f;
    }
    return ModelState.of(LAYOUT, p, version);
  }

  static final AggregationStrategy STRATEGY = new AggregationStrategy() {
    @Override
    public String name() {
      return "test";
    }

    @Override
    public RoundAggregator begin(ModelState global) {
      throw new UnsupportedOperationException();
    }
  };

  static ParticipantRow participant(String id, long selected) {
    return new ParticipantRow(id, "phone", 100, new long[] {60, 40}, "ACTIVE", selected, selected, 0, 1.0, 0);
  }

  /** A committed round {@code round} that turns version {@code round - 1} into {@code model}. */
  static RoundCommit commit(String fed, long round, ModelState model, Instant at, Map<String, float[]> state) {
    UpdateRecord u1 = new UpdateRecord("p1", round, model.version() - 1, at, 100, 1, 1, true, null, null, 12, "phone",
        Map.of("train_loss", 0.5));
    UpdateRecord u2 = new UpdateRecord("p2", round, model.version() - 1, at, 100, 1, 1, false, "NON_FINITE",
        "NaN in update", 9, "phone", Map.of());
    RoundRecord r = new RoundRecord(fed, round, model.version() - 1, at.minusSeconds(5), at,
        List.of(new RoundRecord.Member("p1", 0, "ACCEPTED"), new RoundRecord.Member("p2", 1, "REJECTED")), 1,
        List.of(u1, u2), List.of(participant("p1", round), participant("p2", round)));
    return new RoundCommit(r, model, Map.of("test_accuracy", 0.5 + round / 100.0, "test_loss", Double.NaN), state);
  }
}
