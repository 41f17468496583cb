package io.flotilla.engine.model;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The ordered list of named tensors that make up a model, laid end to end in one flat float array.
 * Immutable and thread-safe.
 */
public final class ParameterLayout {
  private final List<TensorSpec> tensors;
  private final int[] offsets;
  private final Map<String, Integer> index = new HashMap<>();
  private final int totalSize;

  public ParameterLayout(List<TensorSpec> tensors) {
    if (tensors == null || tensors.isEmpty()) {
      throw new IllegalArgumentException("a layout needs at least one tensor");
    }
    this.tensors = List.copyOf(tensors);
    this.offsets = new int[tensors.size()];
    long off = 0;
    for (int i = 0; i < this.tensors.size(); i++) {
      TensorSpec t = this.tensors.get(i);
      if (index.put(t.name(), i) != null) {
        throw new IllegalArgumentException("duplicate tensor name '" + t.name() + "'");
      }
      offsets[i] = (int) off;
      off += t.size();
      if (off > Integer.MAX_VALUE - 8) {
        throw new IllegalArgumentException("layout too large: more than 2^31 parameters");
      }
    }
    this.totalSize = (int) off;
  }

  public static ParameterLayout of(TensorSpec... tensors) {
    return new ParameterLayout(List.of(tensors));
  }

  public List<TensorSpec> tensors() {
    return tensors;
  }

  /** Total number of float parameters. */
  public int size() {
    return totalSize;
  }

  /** Offset of the named tensor in the flat array. */
  public int offset(String name) {
    Integer i = index.get(name);
    if (i == null) {
      throw new IllegalArgumentException("no tensor named '" + name + "' in layout " + this);
    }
    return offsets[i];
  }

  public int offset(int tensorIndex) {
    return offsets[tensorIndex];
  }

  public boolean contains(String name) {
    return index.containsKey(name);
  }

  public TensorSpec tensor(String name) {
    return tensors.get(index.computeIfAbsent(name, n -> {
      throw new IllegalArgumentException("no tensor named '" + n + "'");
    }));
  }

  /** Canonical text form, part of a model's identity hash: {@code name[d1,d2];name2[d]}. */
  public String canonical() {
    StringBuilder sb = new StringBuilder();
    for (TensorSpec t : tensors) {
      if (sb.length() > 0) {
        sb.append(';');
      }
      sb.append(t.name()).append('[');
      int[] s = t.shape();
      for (int i = 0; i < s.length; i++) {
        sb.append(i == 0 ? "" : ",").append(s[i]);
      }
      sb.append(']');
    }
    return sb.toString();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ParameterLayout l && l.tensors.equals(tensors);
  }

  @Override
  public int hashCode() {
    return tensors.hashCode();
  }

  @Override
  public String toString() {
    return canonical();
  }
}
