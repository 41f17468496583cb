package io.flotilla.bench;

import java.util.Locale;

/**
 * Times {@code new float[P]} (allocation and the JVM's zeroing) followed by one write pass, repeatedly:
 * while the heap has not been cycled each array lands on memory the process never touched and pays the
 * VM's first-touch page faults; after the first collection G1 reuses touched regions. The reason the
 * aggregation benchmarks pre-touch their heap (docs/RESULTS.md, aggregation run 8). Usage:
 * {@code java -Xms2g -Xmx2g -cp benchmarks.jar io.flotilla.bench.FirstTouchCheck [P] [rounds]}.
 */
public final class FirstTouchCheck {
  private FirstTouchCheck() {}

  public static void main(String[] args) {
    int p = args.length > 0 ? Integer.parseInt(args[0]) : 10_000_000;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 30;
    if (p < 1 || rounds < 1) {
      throw new IllegalArgumentException("need P >= 1 and rounds >= 1; got P=" + p + ", rounds=" + rounds);
    }
    float[] global = Inputs.model(p).copyParameters();
    float[] keep = null;
    for (int round = 0; round < rounds; round++) {
      long t0 = System.nanoTime();
      float[] result = new float[p];
      long t1 = System.nanoTime();
      for (int i = 0; i < p; i++) {
        result[i] = global[i] + 1f;
      }
      long t2 = System.nanoTime();
      keep = result; // the previous result becomes garbage, as a coordinator's previous model does
      System.out.printf(Locale.ROOT, "round %2d: allocate %6.1f ms, write %5.1f ms%n", round, (t1 - t0) / 1e6,
          (t2 - t1) / 1e6);
    }
    System.out.println(keep.length == p ? "done" : "?");
  }
}
