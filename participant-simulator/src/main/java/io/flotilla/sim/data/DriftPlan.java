package io.flotilla.sim.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * Drift injected into a simulation ({@code --drift}): from a given round on, chosen participants train on
 * shifted data. Syntax {@code PARTICIPANTS:ROUND:KIND[;...]}, where PARTICIPANTS is a comma-separated list of
 * ids ({@code p3,p7}; {@code pN} means participant index N whatever the zero padding), a count ({@code 3}) or
 * a fraction ({@code 0.2}) of participants drawn with the run seed, and KIND is
 * <ul>
 *   <li>{@code label-shift}: prior shift; the participant's data is replaced by as many samples, drawn from
 *       the pooled training data, of the classes it held least (below its mean class count; half the classes
 *       when it is balanced): its label histogram, and so its Jensen–Shannon divergence to the federation,
 *       changes;
 *   <li>{@code feature-shift}: covariate shift; every feature moves up by {@code 3 σ_j abs(z_j)}, with σ_j the
 *       feature's standard deviation in the participant's data and z_j a seeded standard normal; the labels
 *       stay.
 * </ul>
 * Deterministic under the seed. Immutable and thread-safe.
 */
public final class DriftPlan {
  /** What changes. */
  public enum Kind {
    LABEL_SHIFT, FEATURE_SHIFT;

    static Kind parse(String s) {
      return switch (s.trim().toLowerCase(Locale.ROOT)) {
        case "label-shift" -> LABEL_SHIFT;
        case "feature-shift" -> FEATURE_SHIFT;
        default -> throw new IllegalArgumentException("invalid --drift kind '" + s
            + "': use label-shift or feature-shift");
      };
    }

    @Override
    public String toString() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }

  /** One injection as written. */
  public record Injection(String participants, long round, Kind kind) {
    @Override
    public String toString() {
      return participants + ":" + round + ":" + kind;
    }
  }

  /** What happens to one participant: from {@code round} on it trains on shifted data. */
  public record Shift(long round, Kind kind) {}

  private static final DriftPlan NONE = new DriftPlan(List.of());
  /** Size of a feature shift in standard deviations of the feature. */
  static final double SHIFT_SDS = 3;
  private final List<Injection> injections;

  private DriftPlan(List<Injection> injections) {
    this.injections = List.copyOf(injections);
  }

  public static DriftPlan none() {
    return NONE;
  }

  /**
   * Parses {@code none} or {@code PARTICIPANTS:ROUND:KIND[;...]}.
   *
   * @throws IllegalArgumentException naming the bad part
   */
  public static DriftPlan parse(String spec) {
    if (spec == null || spec.isBlank() || spec.trim().equalsIgnoreCase("none")) {
      return NONE;
    }
    List<Injection> out = new ArrayList<>();
    for (String item : spec.split(";")) {
      String[] parts = item.trim().split(":");
      if (parts.length != 3 || parts[0].isBlank()) {
        throw new IllegalArgumentException("invalid --drift '" + item
            + "': expected PARTICIPANTS:ROUND:KIND, e.g. p3,p7:20:label-shift or 0.1:10:feature-shift");
      }
      long round;
      try {
        round = Long.parseLong(parts[1].trim());
      } catch (NumberFormatException e) {
        round = -1;
      }
      if (round < 1) {
        throw new IllegalArgumentException("invalid --drift '" + item + "': ROUND must be a round number >= 1, got '"
            + parts[1] + "'");
      }
      out.add(new Injection(parts[0].trim(), round, Kind.parse(parts[2])));
    }
    return new DriftPlan(out);
  }

  public boolean isEmpty() {
    return injections.isEmpty();
  }

  public List<Injection> injections() {
    return injections;
  }

  /**
   * Who drifts when, by participant index, for {@code n} participants (a later injection of the same
   * participant wins).
   *
   * @throws IllegalArgumentException for an unknown participant id or a count/fraction out of range
   */
  public Map<Integer, Shift> assign(int n, long seed) {
    Map<Integer, Shift> out = new TreeMap<>();
    int k = 0;
    for (Injection inj : injections) {
      for (int i : participants(inj.participants(), n, new SplittableRandom(seed ^ (0x5DEECE66DL * ++k)))) {
        out.put(i, new Shift(inj.round(), inj.kind()));
      }
    }
    return out;
  }

  private static int[] participants(String spec, int n, SplittableRandom rnd) {
    if (spec.matches("\\d+")) {
      return choose(Integer.parseInt(spec), n, rnd, spec);
    }
    if (spec.matches("0?\\.\\d+|1(\\.0*)?")) {
      return choose((int) Math.round(Double.parseDouble(spec) * n), n, rnd, spec);
    }
    List<Integer> ids = new ArrayList<>();
    for (String id : spec.split(",")) {
      String t = id.trim();
      int i = t.matches("p\\d+") ? Integer.parseInt(t.substring(1)) : -1;
      if (i < 0 || i >= n) {
        throw new IllegalArgumentException("invalid --drift participant '" + t + "': expected p0 .. p" + (n - 1)
            + ", a count or a fraction");
      }
      ids.add(i);
    }
    return ids.stream().mapToInt(Integer::intValue).toArray();
  }

  private static int[] choose(int k, int n, SplittableRandom rnd, String spec) {
    if (k < 1 || k > n) {
      throw new IllegalArgumentException("invalid --drift participants '" + spec + "': selects " + k + " of " + n);
    }
    int[] all = new int[n];
    for (int i = 0; i < n; i++) {
      all[i] = i;
    }
    for (int i = 0; i < k; i++) { // partial Fisher–Yates
      int j = i + rnd.nextInt(n - i);
      int t = all[i];
      all[i] = all[j];
      all[j] = t;
    }
    int[] out = Arrays.copyOf(all, k);
    Arrays.sort(out);
    return out;
  }

  /** The participant's data after the shift; {@code pooled} is the whole federation's training data. */
  public static Dataset shifted(Dataset own, Dataset pooled, Kind kind, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    return kind == Kind.LABEL_SHIFT ? labelShift(own, pooled, rnd) : featureShift(own, rnd);
  }

  private static Dataset labelShift(Dataset own, Dataset pooled, SplittableRandom rnd) {
    long[] h = own.labelHistogram();
    double mean = (double) own.size() / h.length;
    boolean[] rare = new boolean[h.length];
    int rareCount = 0;
    for (int c = 0; c < h.length; c++) {
      if (h[c] < mean) {
        rare[c] = true;
        rareCount++;
      }
    }
    if (rareCount == 0) { // balanced: keep a seeded half of the classes
      for (int c = 0; c < h.length; c++) {
        rare[c] = rnd.nextBoolean();
      }
    }
    List<Integer> candidates = new ArrayList<>();
    int[] y = pooled.y();
    for (int i = 0; i < y.length; i++) {
      if (rare[y[i]]) {
        candidates.add(i);
      }
    }
    if (candidates.isEmpty()) {
      throw new IllegalArgumentException("label-shift: the pooled data holds none of the classes to shift to");
    }
    int[] rows = new int[own.size()];
    for (int i = 0; i < rows.length; i++) {
      rows[i] = candidates.get(rnd.nextInt(candidates.size()));
    }
    return pooled.subset(rows);
  }

  private static Dataset featureShift(Dataset own, SplittableRandom rnd) {
    int f = own.features();
    int n = own.size();
    float[] x = own.x();
    double[] mean = new double[f];
    double[] m2 = new double[f];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < f; j++) {
        double v = x[i * f + j];
        double d = v - mean[j];
        mean[j] += d / (i + 1);
        m2[j] += d * (v - mean[j]);
      }
    }
    float[] shift = new float[f];
    for (int j = 0; j < f; j++) {
      double sd = n > 1 ? Math.sqrt(m2[j] / n) : 1;
      shift[j] = (float) (SHIFT_SDS * (sd > 0 ? sd : 1) * Math.abs(gaussian(rnd)));
    }
    float[] out = x.clone();
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < f; j++) {
        out[i * f + j] += shift[j];
      }
    }
    return new Dataset(out, own.y(), f, own.classes());
  }

  private static double gaussian(SplittableRandom rnd) { // Box–Muller
    double u = 1 - rnd.nextDouble();
    double v = rnd.nextDouble();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  @Override
  public String toString() {
    if (injections.isEmpty()) {
      return "none";
    }
    List<String> s = new ArrayList<>();
    injections.forEach(i -> s.add(i.toString()));
    return String.join(";", s);
  }

  /** For reports: the plan as values. */
  public Map<String, Object> describe(Map<Integer, Shift> assigned, java.util.function.IntFunction<String> ids) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("spec", toString());
    Map<String, String> who = new TreeMap<>();
    assigned.forEach((i, s) -> who.put(ids.apply(i), s.kind() + " from round " + s.round()));
    m.put("participants", who);
    return m;
  }
}
