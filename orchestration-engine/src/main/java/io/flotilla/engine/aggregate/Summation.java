package io.flotilla.engine.aggregate;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * How the mean family adds the weighted updates of a round, a strategy parameter ({@code summation}).
 * Either way the result is the same bits on any thread count, any {@code fold-batch} and with or without
 * the Vector API kernels; the two modes give different bits from each other.
 */
public enum Summation {
  /**
   * Kahan-compensated float sum (the default): the error stays near one float rounding whatever the number
   * of updates. State: two model-sized float arrays. Each update costs one multiplication and four
   * additions per parameter.
   */
  COMPENSATED("compensated"),
  /**
   * Plain float sum in arrival order, {@code s = s + w·Δ}, as most FL frameworks add float32 updates:
   * the error can grow with the number of updates (at most about K roundings, typically √K). State: one
   * model-sized array. One multiplication and one addition per parameter: where the updates are held
   * ({@code fold-batch ≥ K}) the round is limited by reading them from memory, not by the arithmetic.
   */
  PLAIN("plain");

  private final String label;

  Summation(String label) {
    this.label = label;
  }

  /** The parameter value: {@code compensated} or {@code plain}. */
  public String label() {
    return label;
  }

  /** Parses a {@code summation} value for strategy {@code owner}, naming the accepted values when it is wrong. */
  static Summation parse(String owner, String value) {
    for (Summation s : values()) {
      if (s.label.equals(value)) {
        return s;
      }
    }
    throw new IllegalArgumentException("'" + owner + "' parameter 'summation' must be one of "
        + Arrays.stream(values()).map(Summation::label).collect(Collectors.joining(", ")) + ", got '" + value + "'");
  }
}
