package io.flotilla.engine.api;

import java.util.Locale;

/**
 * How much an asynchronous update still counts when it was trained on a model {@code τ} versions older
 * than the current one. Pure and thread-safe.
 *
 * <ul>
 *   <li>{@code sqrt}: {@code 1/√(1+τ)}, FedBuff's default (Nguyen et al., "Federated Learning with
 *       Buffered Asynchronous Aggregation", AISTATS 2022, §3).
 *   <li>{@code polynomial:a}: {@code (τ+1)^−a}; {@code hinge:a,b}: 1 while {@code τ ≤ b}, then
 *       {@code 1/(a(τ−b)+1)} (Xie, Koyejo, Gupta, "Asynchronous Federated Optimization", 2019, §5.2).
 *   <li>{@code constant}: 1 (staleness ignored).
 * </ul>
 */
public sealed interface StalenessFunction {
  /** The weight in (0, 1] of an update {@code staleness} versions old ({@code staleness >= 0}). */
  double weight(long staleness);

  /** The spec this function parses from. */
  String spec();

  /** FedBuff's {@code 1/√(1+τ)}. */
  record InverseSqrt() implements StalenessFunction {
    @Override
    public double weight(long t) {
      return 1.0 / Math.sqrt(1.0 + Math.max(0, t));
    }

    @Override
    public String spec() {
      return "sqrt";
    }
  }

  /** FedAsync's polynomial {@code (τ+1)^−a}. */
  record Polynomial(double a) implements StalenessFunction {
    @Override
    public double weight(long t) {
      return Math.pow(Math.max(0, t) + 1.0, -a);
    }

    @Override
    public String spec() {
      return "polynomial:" + a;
    }
  }

  /** FedAsync's hinge: full weight up to {@code b} versions, then {@code 1/(a(τ−b)+1)}. */
  record Hinge(double a, double b) implements StalenessFunction {
    @Override
    public double weight(long t) {
      return t <= b ? 1.0 : 1.0 / (a * (t - b) + 1.0);
    }

    @Override
    public String spec() {
      return "hinge:" + a + "," + b;
    }
  }

  /** No discount. */
  record Constant() implements StalenessFunction {
    @Override
    public double weight(long t) {
      return 1.0;
    }

    @Override
    public String spec() {
      return "constant";
    }
  }

  /**
   * Parses {@code sqrt} (also {@code fedbuff}), {@code constant}, {@code polynomial:A} or {@code hinge:A,B}.
   *
   * @throws IllegalArgumentException naming the bad value
   */
  static StalenessFunction parse(String text) {
    String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
    try {
      if (t.equals("sqrt") || t.equals("fedbuff")) {
        return new InverseSqrt();
      }
      if (t.equals("constant")) {
        return new Constant();
      }
      if (t.startsWith("polynomial:")) {
        double a = Double.parseDouble(t.substring("polynomial:".length()));
        if (a >= 0 && Double.isFinite(a)) {
          return new Polynomial(a);
        }
      }
      if (t.startsWith("hinge:")) {
        String[] ab = t.substring("hinge:".length()).split(",");
        if (ab.length == 2) {
          double a = Double.parseDouble(ab[0]);
          double b = Double.parseDouble(ab[1]);
          if (a >= 0 && b >= 0 && Double.isFinite(a) && Double.isFinite(b)) {
            return new Hinge(a, b);
          }
        }
      }
    } catch (NumberFormatException e) {
      // falls through to the message below
    }
    throw new IllegalArgumentException("invalid --staleness '" + text
        + "': expected sqrt, constant, polynomial:A or hinge:A,B with A, B >= 0");
  }
}
