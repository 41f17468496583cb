package io.flotilla.engine.model;

import java.util.Arrays;
import java.util.Objects;

/**
 * One named tensor of a model: its name and shape. Element type is always float32 in memory; the on-disk
 * dtype is chosen by the file format. Immutable and thread-safe.
 */
public final class TensorSpec {
  private final String name;
  private final int[] shape;

  public TensorSpec(String name, int... shape) {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("tensor name must not be blank");
    }
    Objects.requireNonNull(shape, "shape");
    for (int d : shape) {
      if (d <= 0) {
        throw new IllegalArgumentException(
            "tensor '" + name + "' has a non-positive dimension in shape " + Arrays.toString(shape));
      }
    }
    this.name = name;
    this.shape = shape.clone();
  }

  public String name() {
    return name;
  }

  public int[] shape() {
    return shape.clone();
  }

  public int rank() {
    return shape.length;
  }

  /** Number of elements (product of the dimensions; 1 for a scalar). */
  public int size() {
    long n = 1;
    for (int d : shape) {
      n *= d;
    }
    if (n > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("tensor '" + name + "' is too large: " + n + " elements");
    }
    return (int) n;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TensorSpec t && t.name.equals(name) && Arrays.equals(t.shape, shape);
  }

  @Override
  public int hashCode() {
    return 31 * name.hashCode() + Arrays.hashCode(shape);
  }

  @Override
  public String toString() {
    return name + Arrays.toString(shape);
  }
}
