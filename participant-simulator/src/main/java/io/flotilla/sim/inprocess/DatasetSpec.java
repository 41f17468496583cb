package io.flotilla.sim.inprocess;

import io.flotilla.sim.data.FashionMnist;
import java.nio.file.Path;
import java.util.Locale;

/**
 * A data set as named on the command line: {@code synthetic:ALPHA,BETA} (FedProx Synthetic(α, β)),
 * {@code synthetic-iid} (its IID variant) or {@code fashion-mnist[:PATH]}. Immutable.
 */
public sealed interface DatasetSpec {
  /** Synthetic(α, β) of Li et al. (FedProx, MLSys 2020). */
  record Synthetic(double alpha, double beta, boolean iid) implements DatasetSpec {
    @Override
    public String toString() {
      return iid ? "synthetic-iid" : "synthetic:" + fmt(alpha) + "," + fmt(beta);
    }
  }

  /** Fashion-MNIST from IDX files in {@code dir}. */
  record FashionMnistDir(Path dir) implements DatasetSpec {
    @Override
    public String toString() {
      return "fashion-mnist:" + dir;
    }
  }

  private static String fmt(double v) {
    return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
  }

  /** Parses {@code text}; the message of a bad value names it and says what is expected. */
  static DatasetSpec parse(String text) {
    String t = text == null ? "" : text.trim();
    String lower = t.toLowerCase(Locale.ROOT);
    if (lower.equals("synthetic-iid")) {
      return new Synthetic(0, 0, true);
    }
    if (lower.startsWith("synthetic")) {
      String rest = t.substring("synthetic".length());
      if (rest.isEmpty()) {
        return new Synthetic(0, 0, false);
      }
      if (!rest.startsWith(":")) {
        throw bad(text);
      }
      String[] ab = rest.substring(1).split(",");
      if (ab.length != 2) {
        throw new IllegalArgumentException("invalid --dataset '" + text + "': synthetic needs ALPHA,BETA, e.g. synthetic:1,1");
      }
      try {
        double a = Double.parseDouble(ab[0].trim());
        double b = Double.parseDouble(ab[1].trim());
        if (!(a >= 0) || !(b >= 0) || !Double.isFinite(a) || !Double.isFinite(b)) {
          throw new IllegalArgumentException(
              "invalid --dataset '" + text + "': ALPHA and BETA are standard deviations and must be >= 0");
        }
        return new Synthetic(a, b, false);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("invalid --dataset '" + text + "': ALPHA and BETA must be numbers");
      }
    }
    if (lower.startsWith("fashion-mnist")) {
      String rest = t.substring("fashion-mnist".length());
      if (rest.isEmpty()) {
        return new FashionMnistDir(FashionMnist.DEFAULT_DIR);
      }
      if (!rest.startsWith(":") || rest.length() == 1) {
        throw bad(text);
      }
      return new FashionMnistDir(Path.of(rest.substring(1)));
    }
    throw bad(text);
  }

  private static IllegalArgumentException bad(String text) {
    return new IllegalArgumentException("invalid --dataset '" + text
        + "': expected synthetic:ALPHA,BETA, synthetic-iid or fashion-mnist[:PATH]");
  }
}
