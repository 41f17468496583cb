package io.flotilla.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The machine's single-thread memory-read bandwidth, measured in the same run as the aggregation
 * benchmarks: the time to sum a 1 GiB array (far larger than any cache) with a vectorised integer
 * reduction. Bandwidth = 2^30 bytes ÷ the time per operation.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgs = {"-Xms3g", "-Xmx3g"})
public class MemoryBandwidthBenchmark {
  /** 1 GiB of ints. */
  public static final int INTS = 1 << 28;

  private int[] data;

  @Setup(Level.Trial)
  public void setUp() {
    data = new int[INTS];
    for (int i = 0; i < INTS; i++) {
      data[i] = i * 0x9E3779B9;
    }
  }

  @Benchmark
  public int readOneGiB() {
    int[] d = data;
    int s = 0;
    for (int i = 0; i < d.length; i++) {
      s += d[i];
    }
    return s;
  }
}
