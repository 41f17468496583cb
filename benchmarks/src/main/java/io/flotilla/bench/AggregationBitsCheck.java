package io.flotilla.bench;

import io.flotilla.engine.api.*;
import io.flotilla.engine.model.*;
import io.flotilla.engine.spi.*;
import java.security.MessageDigest;
import java.util.*;
/**
 * Prints a SHA-256 of the raw bits of mean-family results over 72 configurations (9 strategy settings, P =
 * 610 and 300,001 — the parallel path —, K = 1, 2, 3, 10, two rounds each, a −0 in every update), and one
 * over all of them. Run it against the benchmark jar of two commits to check that a kernel change kept the
 * bits: {@code java -cp benchmarks/target/benchmarks.jar io.flotilla.bench.AggregationBitsCheck}.
 */
public final class AggregationBitsCheck {
  private AggregationBitsCheck() {}

  public static void main(String[] a) throws Exception {
    MessageDigest all = MessageDigest.getInstance("SHA-256");
    String[] strategies = {"fedavg", "fedavg:fold-batch=4", "fedavg:fold-batch=128", "fedavg:weighting=uniform",
        "fedprox:mu=0.1", "fedprox:mu=0.1,fold-batch=128", "clip:norm=5", "fedavgm:momentum=0.9", "fedadam"};
    for (int p : new int[] {610, 300_001}) {
      for (int k : new int[] {1, 2, 3, 10}) {
        SplittableRandom r = new SplittableRandom(p * 31L + k);
        float[] g = new float[p];
        for (int i = 0; i < p; i++) g[i] = (float) r.nextGaussian();
        ModelState global = ModelState.of(ParameterLayout.of(new TensorSpec("w", p)), g, 0);
        List<Update> us = new ArrayList<>();
        for (int j = 0; j < k; j++) {
          float[] d = new float[p];
          for (int i = 0; i < p; i++) d[i] = (float) (r.nextGaussian() * Math.exp(3 * r.nextGaussian()));
          d[0] = -0f;
          us.add(new Update("p" + j, 1, 0, 0, d, 10 + 7 * j, 1, 1, Map.of(), new Provenance("t", 0, 10 + 7 * j, null)));
        }
        for (String s : strategies) {
          AggregationStrategy st;
          try { st = Extensions.load().strategy(s); } catch (RuntimeException e) { System.out.println(s + ": " + e.getMessage()); continue; }
          MessageDigest one = MessageDigest.getInstance("SHA-256");
          for (int round = 0; round < 2; round++) {
            try (RoundAggregator agg = st.begin(global)) {
              us.forEach(agg::accept);
              float[] out = agg.aggregate().orElseThrow();
              for (float f : out) { int b = Float.floatToRawIntBits(f); one.update(new byte[] {(byte) b, (byte) (b >> 8), (byte) (b >> 16), (byte) (b >> 24)}); }
            }
          }
          byte[] h = one.digest(); all.update(h);
          System.out.printf("%-32s P=%d K=%d %s%n", s, p, k, HexFormat.of().formatHex(h).substring(0, 12));
        }
      }
    }
    System.out.println("ALL " + HexFormat.of().formatHex(all.digest()).substring(0, 16));
  }
}
