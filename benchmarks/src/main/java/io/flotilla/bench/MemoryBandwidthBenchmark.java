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
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The machine's memory-read bandwidth, measured in the same run as the aggregation benchmarks: the time to
 * sum a 1 GiB array (far larger than any cache) with a vectorised integer reduction, on one thread
 * ({@code readOneGiB}) and split in two halves read by two threads at once ({@code readOneGiBTwoThreads},
 * the same split the aggregation uses on 2 cores; the hand-over to the second thread is counted).
 * Bandwidth = 2^30 bytes ÷ the time per operation. The FedAvg bound takes the best of both.
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
  private ExecutorService helper;

  @Setup(Level.Trial)
  public void setUp() {
    data = new int[INTS];
    for (int i = 0; i < INTS; i++) {
      data[i] = i * 0x9E3779B9;
    }
    helper = Executors.newSingleThreadExecutor();
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    helper.shutdownNow();
  }

  @Benchmark
  public int readOneGiB() {
    return sum(data, 0, data.length);
  }

  @Benchmark
  public int readOneGiBTwoThreads() throws Exception {
    int half = data.length / 2;
    Future<Integer> upper = helper.submit(() -> sum(data, half, data.length));
    return sum(data, 0, half) + upper.get();
  }

  private static int sum(int[] d, int from, int to) {
    int s = 0;
    for (int i = from; i < to; i++) {
      s += d[i];
    }
    return s;
  }
}
