package io.flotilla.engine.validate;

import io.flotilla.engine.model.ModelState;

/**
 * The direction of the last committed aggregate step, {@code w_v − w_(v−1)}, against which arriving
 * updates for rounds based on version {@code v} are compared. Immutable once published (the array is
 * never written after construction).
 */
public record ReferenceDirection(long version, float[] direction, double norm) {
  /** The step from {@code old} to {@code newParams}, labelled with the new version. */
  public static ReferenceDirection of(long version, float[] newParams, ModelState old) {
    float[] d = new float[newParams.length];
    double s = 0;
    for (int i = 0; i < d.length; i++) {
      d[i] = newParams[i] - old.get(i);
      s += (double) d[i] * d[i];
    }
    return new ReferenceDirection(version, d, Math.sqrt(s));
  }
}
