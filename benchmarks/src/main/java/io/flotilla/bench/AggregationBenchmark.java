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
 * One round of aggregation (begin, accept every update, aggregate) for K updates of P parameters, for the
 * streaming mean (folded one at a time, and cache-blocked in groups) and the coordinate-wise robust rules.
 * Compare FedAvg with {@link MemoryBandwidthBenchmark}: reading the updates once costs 4·K·P bytes ÷ read
 * bandwidth. Strategies use every core (models of 256K parameters and more), as the bandwidth's 2-thread
 * figure does. The updates are created once per trial: a round only reads them, as the engine does.
 *
 * <p>Each round's result is a new model-sized array (it becomes the caller's next model). The fork's heap is
 * touched before the run ({@code -XX:+AlwaysPreTouch}) and collected before every iteration
 * ({@code -p gc=iteration}, the default): the state of a long-running coordinator, whose heap has been
 * cycled by earlier rounds, so a result lands on memory the process has already touched. Without the
 * pre-touch a 10 GB heap is never cycled during a short run: every result lands on never-touched pages and
 * the round also measures the VM's first-touch page faults (0.14–0.2 s per 40 MB on the project's machine,
 * against 2 ms to zero 40 MB once touched; docs/RESULTS.md, run 8). {@code aggregation-bench.sh} runs
 * K = 10 with a 3 GB heap (the pre-touch costs about 1 s per GB here).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgs = {"-Xms10g", "-Xmx10g", "-XX:+AlwaysPreTouch", "--add-modules", "jdk.incubator.vector"})
public class AggregationBenchmark {
  @Param({"10", "100"})
  public int k;

  @Param({"1000000", "10000000"})
  public int p;

  // The robust rules hold every update; spill-mb is raised so that K = 100 × 10M (4 GB) stays on the heap
  // by reference, as the benchmark's updates already are: with the default 1 GiB, 3 GB would be written to
  // a temporary file in every round, which measures the disk, not the aggregation.
  @Param({"fedavg", "fedavg:fold-batch=128", "fedavg:fold-batch=128,summation=plain", "median:spill-mb=16384",
      "trimmed-mean:beta=0.1,spill-mb=16384"})
  public String strategy;

  @Param({"iteration"})
  public String gc;

  private List<Update> updates;
  private ModelState global;
  private AggregationStrategy s;

  @Setup(Level.Trial)
  public void setUp() {
    updates = Inputs.updates(k, p, 42);
    global = Inputs.model(p);
    s = Extensions.load().strategy(strategy);
  }

  @Setup(Level.Iteration)
  public void collect() {
    if (gc.equals("iteration")) {
      System.gc();
    } else if (!gc.equals("none")) {
      throw new IllegalArgumentException("gc must be iteration or none, was '" + gc + "'");
    }
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
