package io.flotilla.engine.model;

import java.util.ArrayList;
import java.util.List;

/**
 * How two models of the same layout differ, tensor by tensor: the L2 norm of the difference, that norm
 * relative to the first model's tensor norm, and the largest absolute difference. Sums in double precision.
 * Immutable and thread-safe.
 */
public record ModelDiff(List<TensorDiff> tensors, double totalL2) {
  public ModelDiff {
    tensors = List.copyOf(tensors);
  }

  /**
   * One tensor's difference.
   *
   * @param relative {@code l2 / ||a||} (infinite when the first tensor is all zeros and they differ)
   */
  public record TensorDiff(String name, int size, double l2, double relative, double maxAbs) {}

  /**
   * Compares {@code a} with {@code b}.
   *
   * @throws IllegalArgumentException when the layouts differ
   */
  public static ModelDiff between(ModelState a, ModelState b) {
    if (!a.layout().equals(b.layout())) {
      throw new IllegalArgumentException("models have different layouts: " + a.layout() + " vs " + b.layout());
    }
    List<TensorDiff> out = new ArrayList<>();
    double total = 0;
    for (TensorSpec t : a.layout().tensors()) {
      int off = a.layout().offset(t.name());
      double sq = 0;
      double base = 0;
      double max = 0;
      for (int i = off; i < off + t.size(); i++) {
        double d = (double) b.get(i) - a.get(i);
        sq += d * d;
        base += (double) a.get(i) * a.get(i);
        max = Math.max(max, Math.abs(d));
      }
      double l2 = Math.sqrt(sq);
      double rel = base == 0 ? (l2 == 0 ? 0 : Double.POSITIVE_INFINITY) : l2 / Math.sqrt(base);
      out.add(new TensorDiff(t.name(), t.size(), l2, rel, max));
      total += sq;
    }
    return new ModelDiff(out, Math.sqrt(total));
  }
}
