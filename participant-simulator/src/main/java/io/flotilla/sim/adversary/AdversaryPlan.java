package io.flotilla.sim.adversary;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Which simulated participants attack, and how: parsed from {@code --adversaries KIND:FRACTION[:PARAM]
 * [,KIND:FRACTION[:PARAM]...]} (or {@code none}). For N participants, {@code round(FRACTION · N)} of them
 * get each kind, chosen without overlap by a shuffle seeded from the run seed, so the same participants
 * attack in every round and every run with that seed. Immutable and thread-safe.
 */
public final class AdversaryPlan {
  /** One entry of the plan. */
  public record Entry(AdversaryKind kind, double fraction, double parameter) {}

  private static final AdversaryPlan NONE = new AdversaryPlan(List.of());

  private final List<Entry> entries;

  private AdversaryPlan(List<Entry> entries) {
    this.entries = List.copyOf(entries);
  }

  public static AdversaryPlan none() {
    return NONE;
  }

  public List<Entry> entries() {
    return entries;
  }

  public boolean isEmpty() {
    return entries.isEmpty();
  }

  /** Parses the flag's value; the message of a bad value names the flag and the offending part. */
  public static AdversaryPlan parse(String text) {
    String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
    if (t.isEmpty() || t.equals("none")) {
      return NONE;
    }
    List<Entry> out = new ArrayList<>();
    double total = 0;
    for (String part : t.split(",")) {
      String[] f = part.trim().split(":");
      if (f.length < 2 || f.length > 3) {
        throw new IllegalArgumentException("invalid --adversaries '" + text + "': '" + part.trim()
            + "' is not KIND:FRACTION[:PARAM] (e.g. sign-flip:0.3 or scaling:0.1:10)");
      }
      AdversaryKind kind = AdversaryKind.parse(f[0]);
      double fraction = number(text, f[1], "FRACTION");
      if (!(fraction >= 0 && fraction <= 1)) {
        throw new IllegalArgumentException("invalid --adversaries '" + text + "': FRACTION must be in [0, 1], got "
            + f[1]);
      }
      double param = kind.defaultParameter();
      if (f.length == 3) {
        if (!kind.takesParameter()) {
          throw new IllegalArgumentException("invalid --adversaries '" + text + "': " + kind.label()
              + " takes no parameter");
        }
        param = number(text, f[2], "PARAM");
      }
      total += fraction;
      out.add(new Entry(kind, fraction, param));
    }
    if (total > 1 + 1e-9) {
      throw new IllegalArgumentException("invalid --adversaries '" + text + "': the fractions add up to more than 1");
    }
    return new AdversaryPlan(out);
  }

  private static double number(String text, String v, String what) {
    try {
      double d = Double.parseDouble(v.trim());
      if (!Double.isFinite(d)) {
        throw new NumberFormatException();
      }
      return d;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("invalid --adversaries '" + text + "': " + what + " must be a number, got '"
          + v + "'");
    }
  }

  /** The attack of every participant index (null for honest ones), for {@code participants} in all. */
  public Map<Integer, Adversary> assign(int participants, long seed) {
    Map<Integer, Adversary> out = new LinkedHashMap<>();
    if (entries.isEmpty()) {
      return out;
    }
    int[] order = new int[participants];
    for (int i = 0; i < participants; i++) {
      order[i] = i;
    }
    SplittableRandom rnd = new SplittableRandom(seed ^ 0xAD7E45A41E5L);
    for (int i = participants - 1; i > 0; i--) {
      int j = rnd.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    int next = 0;
    for (Entry e : entries) {
      int n = (int) Math.round(e.fraction() * participants);
      for (int k = 0; k < n && next < participants; k++) {
        out.put(order[next++], new Adversary(e.kind(), e.parameter()));
      }
    }
    return out;
  }

  @Override
  public String toString() {
    if (entries.isEmpty()) {
      return "none";
    }
    StringBuilder sb = new StringBuilder();
    for (Entry e : entries) {
      if (sb.length() > 0) {
        sb.append(',');
      }
      sb.append(e.kind().label()).append(':').append(e.fraction());
      if (e.kind().takesParameter() && e.parameter() != e.kind().defaultParameter()) {
        sb.append(':').append(e.parameter());
      }
    }
    return sb.toString();
  }
}
