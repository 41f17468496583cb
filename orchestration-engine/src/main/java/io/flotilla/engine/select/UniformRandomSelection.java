package io.flotilla.engine.select;

import io.flotilla.engine.spi.SelectionPolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Uniform random selection without replacement (McMahan et al. 2017: a random fraction C of clients per
 * round). A partial Fisher–Yates shuffle over the candidates as given (sorted by id), so the choice depends
 * only on the generator's seed. Stateless and thread-safe.
 */
public final class UniformRandomSelection implements SelectionPolicy {
  @Override
  public String name() {
    return "uniform";
  }

  @Override
  public List<String> select(List<Candidate> candidates, int count, SplittableRandom random) {
    List<String> ids = new ArrayList<>(candidates.size());
    for (Candidate c : candidates) {
      ids.add(c.id());
    }
    int k = Math.min(count, ids.size());
    for (int i = 0; i < k; i++) {
      int j = i + random.nextInt(ids.size() - i);
      String t = ids.get(i);
      ids.set(i, ids.get(j));
      ids.set(j, t);
    }
    return List.copyOf(ids.subList(0, k));
  }
}
