package io.flotilla.sim.adversary;

import io.flotilla.sim.data.Dataset;
import java.util.SplittableRandom;

/**
 * One simulated participant's attack: how it changes the data it trains on and the delta it sends. The
 * participant trains on {@link #trainingData} (unless {@link #skipsTraining()}) and submits
 * {@link #tamper} of its honest delta. Immutable and thread-safe.
 */
public record Adversary(AdversaryKind kind, double parameter) {
  public Adversary {
    if (kind.takesParameter() && !(Double.isFinite(parameter))) {
      throw new IllegalArgumentException("adversary '" + kind.label() + "' needs a finite parameter, got "
          + parameter);
    }
  }

  /** A free rider trains nothing. */
  public boolean skipsTraining() {
    return kind == AdversaryKind.FREE_RIDER;
  }

  /** The data the participant trains on: its own, or a label-flipped copy ({@code y → C − 1 − y}). */
  public Dataset trainingData(Dataset honest) {
    if (kind != AdversaryKind.LABEL_FLIP) {
      return honest;
    }
    int c = honest.classes();
    int[] y = honest.y();
    int[] flipped = new int[y.length];
    for (int i = 0; i < y.length; i++) {
      flipped[i] = c - 1 - y[i];
    }
    return new Dataset(honest.x(), flipped, honest.features(), c);
  }

  /**
   * The delta to submit instead of the honest one (written in place and returned). {@code noiseSeed}
   * seeds the noise attack; the same seed gives the same noise.
   */
  public float[] tamper(float[] delta, long noiseSeed) {
    switch (kind) {
      case SIGN_FLIP -> {
        float s = (float) -parameter;
        for (int i = 0; i < delta.length; i++) {
          delta[i] *= s;
        }
      }
      case SCALING -> {
        float k = (float) parameter;
        for (int i = 0; i < delta.length; i++) {
          delta[i] *= k;
        }
      }
      case NOISE -> {
        SplittableRandom rnd = new SplittableRandom(noiseSeed);
        for (int i = 0; i < delta.length; i++) {
          delta[i] += (float) (parameter * rnd.nextGaussian());
        }
      }
      case FREE_RIDER -> java.util.Arrays.fill(delta, 0f);
      case LABEL_FLIP -> { }
    }
    return delta;
  }

  @Override
  public String toString() {
    return kind.takesParameter() ? kind.label() + "(" + parameter + ")" : kind.label();
  }
}
