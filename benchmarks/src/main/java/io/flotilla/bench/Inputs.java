package io.flotilla.bench;

import io.flotilla.engine.api.Provenance;
import io.flotilla.engine.api.Update;
import io.flotilla.engine.model.ModelState;
import io.flotilla.engine.model.ParameterLayout;
import io.flotilla.engine.model.TensorSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/** Benchmark inputs: K random updates of P parameters and a model of P parameters. */
final class Inputs {
  private Inputs() {}

  static ModelState model(int p) {
    return ModelState.adopt(ParameterLayout.of(new TensorSpec("w", p)), new float[p], 0);
  }

  static List<Update> updates(int k, int p, long seed) {
    List<Update> out = new ArrayList<>(k);
    for (int j = 0; j < k; j++) {
      SplittableRandom r = new SplittableRandom(seed * 31 + j);
      float[] d = new float[p];
      for (int i = 0; i < p; i++) {
        d[i] = (float) (r.nextDouble() - 0.5);
      }
      out.add(new Update("p" + j, 1, 0, 0, d, 100 + j, 1, 1, Map.of(), new Provenance("bench", 0, 100 + j, null)));
    }
    return out;
  }
}
