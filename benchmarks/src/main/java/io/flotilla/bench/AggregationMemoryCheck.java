package io.flotilla.bench;

import io.flotilla.engine.api.Extensions;
import io.flotilla.engine.api.Provenance;
import io.flotilla.engine.api.Update;
import io.flotilla.engine.model.ModelState;
import io.flotilla.engine.spi.RoundAggregator;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Heap used by one streaming round of K updates of P parameters: each update is created, folded and
 * dropped, as when updates arrive over the network; the heap retained by the aggregator is measured after
 * a full GC after every tenth update, and the peak reported in units of the model's size (4·P bytes).
 * Usage: {@code java -Xmx... -cp benchmarks.jar io.flotilla.bench.AggregationMemoryCheck [K] [P] [strategy]}.
 */
public final class AggregationMemoryCheck {
  private AggregationMemoryCheck() {}

  public static void main(String[] args) {
    int k = args.length > 0 ? Integer.parseInt(args[0]) : 100;
    int p = args.length > 1 ? Integer.parseInt(args[1]) : 10_000_000;
    String spec = args.length > 2 ? args[2] : "fedavg";
    MemoryMXBean mem = ManagementFactory.getMemoryMXBean();
    ModelState global = Inputs.model(p);
    double model = 4.0 * p;
    long base = usedAfterGc(mem);
    RoundAggregator agg = Extensions.load().strategy(spec).begin(global);
    long peak = 0;
    SplittableRandom r = new SplittableRandom(1);
    for (int j = 0; j < k; j++) {
      float[] d = new float[p];
      for (int i = 0; i < p; i += 97) {
        d[i] = (float) r.nextGaussian();
      }
      agg.accept(new Update("p" + j, 1, 0, 0, d, 10, 1, 1, Map.of(), new Provenance("m", 0, 10, null)));
      if (j % 10 == 9) {
        peak = Math.max(peak, usedAfterGc(mem) - base);
      }
    }
    float[] out = agg.aggregate().orElseThrow();
    long after = usedAfterGc(mem) - base;
    System.out.printf(Locale.ROOT,
        "%s K=%d P=%d: heap besides the global model: aggregator while folding %.2fx model, with result %.2fx model"
            + " (model %.0f MB; max heap %.0f MB)%n", spec, k, p, peak / model, after / model, model / 1e6,
        Runtime.getRuntime().maxMemory() / 1e6);
    if (out.length != p) {
      throw new IllegalStateException("wrong result size");
    }
  }

  private static long usedAfterGc(MemoryMXBean mem) {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return mem.getHeapMemoryUsage().getUsed();
  }
}
