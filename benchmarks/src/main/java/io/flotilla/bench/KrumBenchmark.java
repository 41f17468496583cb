package io.flotilla.bench;

import io.flotilla.engine.api.Extensions;
import io.flotilla.engine.api.Update;
import io.flotilla.engine.model.ModelState;
import io.flotilla.engine.spi.AggregationStrategy;
import io.flotilla.engine.spi.RoundAggregator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Multi-Krum's aggregation cost, O(K²·P): the configurations of the issue (K = 10 at P = 1M and 10M,
 * K = 100 at P = 1.66M) as "K:P" pairs. Uses every core (the strategy's default).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgs = {"-Xms6g", "-Xmx6g", "--add-modules", "jdk.incubator.vector"})
public class KrumBenchmark {
  @Param({"10:1000000", "10:10000000", "100:1660000"})
  public String shape;

  @Param({"multi-krum:f=3", "krum:f=3"})
  public String strategy;

  private List<Update> updates;
  private ModelState global;
  private AggregationStrategy s;

  @Setup(Level.Trial)
  public void setUp() {
    String[] kp = shape.split(":");
    int k = Integer.parseInt(kp[0]);
    int p = Integer.parseInt(kp[1]);
    updates = Inputs.updates(k, p, 7);
    global = Inputs.model(p);
    s = Extensions.load().strategy(strategy);
  }

  @Benchmark
  public float[] round() {
    try (RoundAggregator agg = s.begin(global)) {
      for (Update u : updates) {
        agg.accept(u);
      }
      return agg.aggregate().orElseThrow();
    }
  }
}
