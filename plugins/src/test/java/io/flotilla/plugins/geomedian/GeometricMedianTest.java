package io.flotilla.plugins.geomedian;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.flotilla.engine.api.Extensions;
import io.flotilla.engine.api.Provenance;
import io.flotilla.engine.api.Update;
import io.flotilla.engine.model.ModelState;
import io.flotilla.engine.model.ParameterLayout;
import io.flotilla.engine.model.TensorSpec;
import io.flotilla.engine.spi.RoundAggregator;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GeometricMedianTest {
  static Update u(String id, float... d) {
    return new Update(id, 1, 0, 0, d, 1, 1, 1, Map.of(), new Provenance("t", 0, 1, null));
  }

  @Test
  void isFoundThroughServiceLoader() {
    assertThat(Extensions.load().strategies()).extracting(p -> p.name()).contains("geometric-median", "fedavg");
  }

  @Test
  void resistsOneOutlierWhereTheMeanDoesNot() {
    ModelState g = ModelState.of(ParameterLayout.of(new TensorSpec("w", 2)), new float[2], 0);
    RoundAggregator a = Extensions.load().strategy("geometric-median:iterations=200").begin(g);
    a.accept(u("a", 1, 0));
    a.accept(u("b", 0, 1));
    a.accept(u("c", 1, 1));
    a.accept(u("d", 0, 0));
    a.accept(u("evil", 1000, 1000));
    float[] z = a.aggregate().orElseThrow();
    // the mean would be ~200; the geometric median stays inside the unit square's neighbourhood
    assertThat(z[0]).isBetween(0f, 1.2f);
    assertThat(z[1]).isBetween(0f, 1.2f);
  }

  @Test
  void equalUpdatesAreReturnedUnchanged() {
    ModelState g = ModelState.of(ParameterLayout.of(new TensorSpec("w", 3)), new float[] {1, 1, 1}, 0);
    RoundAggregator a = new GeometricMedianProvider().create(
        io.flotilla.engine.spi.ExtensionParams.validate("geometric-median", new GeometricMedianProvider().parameters(), Map.of()))
        .begin(g);
    for (int k = 0; k < 4; k++) {
      a.accept(u("p" + k, 0.5f, -1f, 2f));
    }
    float[] z = a.aggregate().orElseThrow();
    assertThat(z[0]).isCloseTo(1.5f, within(1e-6f));
    assertThat(z[1]).isCloseTo(0f, within(1e-6f));
    assertThat(z[2]).isCloseTo(3f, within(1e-6f));
  }
}
