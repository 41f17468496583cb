package io.flotilla.engine.aggregate;

import io.flotilla.engine.spi.ExtensionParams;
import io.flotilla.engine.spi.ParamSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Parameters shared by the built-in strategies' providers, declared and checked in one place. Stateless. */
final class StrategyParams {
  private StrategyParams() {}

  static final ParamSpec WEIGHTING = ParamSpec.ofString("weighting", "samples",
      "samples (n_k), uniform (1), trust (the participant's trust score) or quality (its data_quality metric)");
  static final ParamSpec FOLD_BATCH = ParamSpec.ofInt("fold-batch", 1,
      "updates held and folded together, cache-blocked (1 = fold each on arrival, O(model) memory)");
  static final ParamSpec SUMMATION = ParamSpec.ofString("summation", "compensated",
      "compensated (Kahan: about one rounding whatever the number of updates) or plain (s + w·Δ in float, as most "
          + "frameworks: faster where updates are held, error grows with their number)");
  static final ParamSpec SPILL_MB = ParamSpec.ofInt("spill-mb", 1024,
      "updates beyond this many MiB are written to a memory-mapped temporary file");
  static final ParamSpec THREADS = ParamSpec.ofInt("threads", 0, "threads for the aggregation (0 = all cores)");

  /** The mean family's shared parameters followed by {@code own}. */
  static List<ParamSpec> mean(ParamSpec... own) {
    List<ParamSpec> l = new ArrayList<>(List.of(own));
    l.add(WEIGHTING);
    l.add(FOLD_BATCH);
    l.add(SUMMATION);
    return List.copyOf(l);
  }

  /** The robust family's shared parameters followed by {@code own}. */
  static List<ParamSpec> robust(ParamSpec... own) {
    List<ParamSpec> l = new ArrayList<>(List.of(own));
    l.add(SPILL_MB);
    l.add(THREADS);
    return List.copyOf(l);
  }

  static FedAvg.Weighting weighting(String owner, ExtensionParams p) {
    return FedAvg.Weighting.parse(owner, p.getString("weighting"));
  }

  static int foldBatch(String owner, ExtensionParams p) {
    int g = p.getInt("fold-batch");
    if (g < 1) {
      throw new IllegalArgumentException("'" + owner + "' parameter 'fold-batch' must be >= 1, got " + g);
    }
    return g;
  }

  static Summation summation(String owner, ExtensionParams p) {
    return Summation.parse(owner, p.getString("summation"));
  }

  static long spillBytes(String owner, ExtensionParams p) {
    int mb = p.getInt("spill-mb");
    if (mb < 0) {
      throw new IllegalArgumentException("'" + owner + "' parameter 'spill-mb' must be >= 0, got " + mb);
    }
    return (long) mb << 20;
  }

  static Path spillDir() {
    return Path.of(System.getProperty("java.io.tmpdir"));
  }

  static int threads(String owner, ExtensionParams p) {
    int t = p.getInt("threads");
    if (t < 0) {
      throw new IllegalArgumentException("'" + owner + "' parameter 'threads' must be >= 0, got " + t);
    }
    return t;
  }

  static double positive(String owner, ExtensionParams p, String name) {
    double v = p.getDouble(name);
    if (!(v > 0)) {
      throw new IllegalArgumentException("'" + owner + "' parameter '" + name + "' must be > 0, got " + v);
    }
    return v;
  }

  static double nonNegative(String owner, ExtensionParams p, String name) {
    double v = p.getDouble(name);
    if (!(v >= 0)) {
      throw new IllegalArgumentException("'" + owner + "' parameter '" + name + "' must be >= 0, got " + v);
    }
    return v;
  }

  static double fraction(String owner, ExtensionParams p, String name, boolean includeOne) {
    double v = p.getDouble(name);
    if (!(v >= 0 && (includeOne ? v <= 1 : v < 1))) {
      throw new IllegalArgumentException("'" + owner + "' parameter '" + name + "' must be in [0, "
          + (includeOne ? "1]" : "1)") + ", got " + v);
    }
    return v;
  }
}
