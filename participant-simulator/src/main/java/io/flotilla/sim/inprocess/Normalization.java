package io.flotilla.sim.inprocess;

import io.flotilla.engine.api.Calibration;
import io.flotilla.sim.data.Dataset;

/**
 * Feature normalization published by a calibration round: {@code (x - mean) / sqrt(variance + 1e-8)} per
 * feature, applied by simulated participants to their local data and by the central evaluator alike. Caches
 * the normalized copy of each data set it was given (by identity), so the copy is made once per calibration,
 * not per round. Thread-safe.
 */
final class Normalization {
  private final long calibrationId;
  private final float[] mean;
  private final float[] invStd;
  private final java.util.Map<Dataset, Dataset> cache = new java.util.IdentityHashMap<>();

  private Normalization(long calibrationId, float[] mean, float[] invStd) {
    this.calibrationId = calibrationId;
    this.mean = mean;
    this.invStd = invStd;
  }

  /** The calibration's normalization, or null when it has no statistics for {@code features} features. */
  static Normalization of(Calibration c, int features) {
    double[] m = c.featureMean();
    double[] v = c.featureVariance();
    if (m.length != features || v.length != features) {
      return null;
    }
    float[] mean = new float[features];
    float[] inv = new float[features];
    for (int j = 0; j < features; j++) {
      mean[j] = (float) m[j];
      inv[j] = (float) (1 / Math.sqrt(v[j] + 1e-8));
    }
    return new Normalization(c.calibrationId(), mean, inv);
  }

  long calibrationId() {
    return calibrationId;
  }

  /** {@code d} normalized (cached for the last data set given). */
  synchronized Dataset apply(Dataset d) {
    Dataset hit = cache.get(d);
    if (hit != null) {
      return hit;
    }
    int f = d.features();
    float[] x = d.x();
    float[] out = new float[x.length];
    for (int i = 0; i < x.length; i++) {
      int j = i % f;
      out[i] = (x[i] - mean[j]) * invStd[j];
    }
    Dataset result = new Dataset(out, d.y(), f, d.classes());
    cache.put(d, result);
    return result;
  }

  /** Applies {@code n} to {@code d}; null keeps the raw data. */
  static Dataset apply(Normalization n, Dataset d) {
    return n == null ? d : n.apply(d);
  }
}
