package io.flotilla.bench;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The memory traffic no FedAvg round that returns a new model can avoid, timed on the same machine as
 * {@link AggregationBenchmark}: {@code readUpdates} reads the K updates once (the bound's 4·K·P bytes, on two
 * threads, cache-blocked as the aggregation is); {@code newModel} additionally allocates the result (the JVM
 * zeroes it: 4·P bytes written), reads the global model (4·P) and writes the result (4·P), with a plain
 * float sum instead of the Kahan fold. Dividing by {@code readUpdates} gives the best ratio to the bound an
 * implementation in plain Java can reach at this K and P (ADR 0016). The heap is pre-touched and collected
 * before each iteration, as in {@link AggregationBenchmark}. Not thread-safe (JMH runs one benchmark thread).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgs = {"-Xms10g", "-Xmx10g", "-XX:+AlwaysPreTouch", "--add-modules", "jdk.incubator.vector"})
public class AggregationFloorBenchmark {
  /** Coordinates per cache block, as {@code MeanAccumulator}'s chunk. */
  private static final int CHUNK = 16 * 1024;

  @Param({"10", "100"})
  public int k;

  @Param({"1000000", "10000000"})
  public int p;

  private float[][] updates;
  private float[] global;
  private ExecutorService helper;

  @Setup(Level.Trial)
  public void setUp() {
    updates = Inputs.updates(k, p, 42).stream().map(u -> u.delta()).toArray(float[][]::new);
    global = new float[p];
    helper = Executors.newSingleThreadExecutor();
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    helper.shutdownNow();
  }

  @Setup(Level.Iteration)
  public void collect() {
    System.gc();
  }

  @Benchmark
  public float readUpdates() throws Exception {
    int half = split();
    Future<Float> upper = helper.submit(() -> read(half, p));
    return read(0, half) + upper.get();
  }

  @Benchmark
  public float[] newModel() throws Exception {
    float[] out = new float[p];
    int half = split();
    Future<?> upper = helper.submit(() -> sum(out, half, p));
    sum(out, 0, half);
    upper.get();
    return out;
  }

  private int split() {
    return (p / 2 / CHUNK) * CHUNK;
  }

  /**
   * Reads every update over {@code [lo, hi)} (CHUNK is a multiple of 8). A float sum in one accumulator is
   * not vectorised (its order is fixed) and runs at one add per 3–4 cycles, slower than memory: eight
   * independent accumulators keep it memory-bound.
   */
  private float read(int lo, int hi) {
    float a0 = 0, a1 = 0, a2 = 0, a3 = 0, a4 = 0, a5 = 0, a6 = 0, a7 = 0;
    float[][] us = updates;
    for (int from = lo; from < hi; from += CHUNK) {
      int to = Math.min(hi, from + CHUNK) & ~7;
      for (float[] d : us) {
        for (int i = from; i < to; i += 8) {
          a0 += d[i];
          a1 += d[i + 1];
          a2 += d[i + 2];
          a3 += d[i + 3];
          a4 += d[i + 4];
          a5 += d[i + 5];
          a6 += d[i + 6];
          a7 += d[i + 7];
        }
      }
    }
    return a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7;
  }

  private void sum(float[] out, int lo, int hi) {
    float[][] us = updates;
    float[] g = global;
    for (int from = lo; from < hi; from += CHUNK) {
      int to = Math.min(hi, from + CHUNK);
      float[] d0 = us[0];
      for (int i = from; i < to; i++) {
        out[i] = g[i] + d0[i];
      }
      for (int j = 1; j < us.length; j++) {
        float[] d = us[j];
        for (int i = from; i < to; i++) {
          out[i] += d[i];
        }
      }
    }
  }
}
