package io.flotilla.engine.api;

import java.util.Objects;

/**
 * A participant's answer to a {@link CalibrationTask}: the evaluation of the global model on its local data
 * and sufficient statistics of its features (count, per-feature mean and sum of squared deviations from it,
 * the "M2" of Chan et al. 1979), which combine exactly into federation-wide mean and variance without
 * sending raw data. Immutable.
 */
public record CalibrationReport(
    String participantId,
    long calibrationId,
    long nonce,
    long samples,
    double loss,
    double accuracy,
    double[] featureMean,
    double[] featureM2,
    long[] labelHistogram) {

  public CalibrationReport {
    Objects.requireNonNull(participantId, "participantId");
    featureMean = featureMean == null ? new double[0] : featureMean.clone();
    featureM2 = featureM2 == null ? new double[0] : featureM2.clone();
    labelHistogram = labelHistogram == null ? new long[0] : labelHistogram.clone();
    if (featureMean.length != featureM2.length) {
      throw new IllegalArgumentException("featureMean has " + featureMean.length + " entries, featureM2 "
          + featureM2.length);
    }
  }

  @Override
  public double[] featureMean() {
    return featureMean.clone();
  }

  @Override
  public double[] featureM2() {
    return featureM2.clone();
  }

  @Override
  public long[] labelHistogram() {
    return labelHistogram.clone();
  }
}
