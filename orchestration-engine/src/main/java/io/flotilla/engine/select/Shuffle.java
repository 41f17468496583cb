package io.flotilla.engine.select;

import java.util.List;
import java.util.SplittableRandom;

/** Seeded partial Fisher–Yates shuffles shared by the selection policies. Stateless. */
final class Shuffle {
  private Shuffle() {}

  /** Moves a uniform random sample of {@code k} elements to the front of {@code items}, in draw order. */
  static <T> void front(List<T> items, int k, SplittableRandom random) {
    int n = items.size();
    for (int i = 0; i < Math.min(k, n); i++) {
      int j = i + random.nextInt(n - i);
      T t = items.get(i);
      items.set(i, items.get(j));
      items.set(j, t);
    }
  }
}
