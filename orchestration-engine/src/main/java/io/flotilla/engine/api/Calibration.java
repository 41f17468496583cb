package io.flotilla.engine.api;

import java.util.List;
import java.util.Map;

/**
 * The outcome of a calibration round (see {@link Federation#calibrate}): no model version was made. Holds
 * the global model's evaluation on every participant that answered, the federated feature normalization
 * (weighted mean and population variance per feature, combined exactly from the participants' sufficient
 * statistics) and per-participant reweighting coefficients from label histograms. Published to participants
 * through {@link ParticipantLink#applyCalibration}. Immutable.
 *
 * @param evaluation per participant: {@code loss}, {@code accuracy}, {@code samples}
 * @param reweighting per participant: {@code 1 - JS(h_k, h_federation)}, rescaled so that the sample-weighted
 *     mean is 1 (participants whose labels look like the federation's count more)
 */
public record Calibration(
    long calibrationId,
    long modelVersion,
    List<String> answered,
    List<String> unsupported,
    Map<String, Map<String, Double>> evaluation,
    double[] featureMean,
    double[] featureVariance,
    Map<String, Double> reweighting) {

  public Calibration {
    answered = List.copyOf(answered);
    unsupported = List.copyOf(unsupported);
    evaluation = Map.copyOf(evaluation);
    featureMean = featureMean.clone();
    featureVariance = featureVariance.clone();
    reweighting = Map.copyOf(reweighting);
  }

  @Override
  public double[] featureMean() {
    return featureMean.clone();
  }

  @Override
  public double[] featureVariance() {
    return featureVariance.clone();
  }
}
