package io.flotilla.engine.validate;

import io.flotilla.engine.api.Update;
import io.flotilla.engine.spi.UpdateValidator.UpdateFeatures;

/**
 * Computes an update's {@link UpdateFeatures} in one pass over its delta: its norm and its cosine to the
 * reference direction (when the reference belongs to the update's base version). Runs on the thread that
 * submits the update, never on the coordinator's. Stateless.
 */
public final class UpdateFeaturesCalculator {
  private UpdateFeaturesCalculator() {}

  public static UpdateFeatures of(Update u, ReferenceDirection ref) {
    float[] d = u.delta();
    boolean useRef = ref != null && ref.version() == u.baseVersion() && ref.direction().length == d.length
        && ref.norm() > 0;
    double ss = 0;
    double dot = 0;
    if (useRef) {
      float[] r = ref.direction();
      for (int i = 0; i < d.length; i++) {
        ss += (double) d[i] * d[i];
        dot += (double) d[i] * r[i];
      }
    } else {
      for (float v : d) {
        ss += (double) v * v;
      }
    }
    double norm = Math.sqrt(ss);
    double cos = useRef && norm > 0 ? dot / (norm * ref.norm()) : Double.NaN;
    return new UpdateFeatures(u.participantId(), u.roundId(), u.sampleCount(), norm, cos, u.isPartial());
  }
}
