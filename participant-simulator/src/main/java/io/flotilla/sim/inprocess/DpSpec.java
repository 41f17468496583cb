package io.flotilla.sim.inprocess;

import io.flotilla.engine.api.PrivacyConfig;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The {@code --dp clip=C,noise=Z,delta=D[,budget=EPS]} flag: central differential privacy with per-update
 * clipping bound C, noise multiplier Z, target δ and an optional ε budget after which the federation stops.
 * Immutable.
 */
public record DpSpec(double clip, double noise, double delta, double budget) {
  /** Parses the flag's value; the message of a bad value names the flag and the key. */
  public static DpSpec parse(String text) {
    Map<String, Double> v = new LinkedHashMap<>();
    String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
    if (t.isEmpty()) {
      throw new IllegalArgumentException("invalid --dp '': expected clip=C,noise=Z,delta=D[,budget=EPS]");
    }
    for (String kv : t.split(",")) {
      int eq = kv.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("invalid --dp '" + text + "': '" + kv.trim() + "' is not key=value");
      }
      String k = kv.substring(0, eq).trim();
      if (!k.equals("clip") && !k.equals("noise") && !k.equals("delta") && !k.equals("budget")) {
        throw new IllegalArgumentException("invalid --dp '" + text + "': unknown key '" + k
            + "' (expected clip, noise, delta, budget)");
      }
      try {
        v.put(k, Double.parseDouble(kv.substring(eq + 1).trim()));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("invalid --dp '" + text + "': " + k + " must be a number");
      }
    }
    for (String req : new String[] {"clip", "noise", "delta"}) {
      if (!v.containsKey(req)) {
        throw new IllegalArgumentException("invalid --dp '" + text + "': missing " + req
            + " (expected clip=C,noise=Z,delta=D[,budget=EPS])");
      }
    }
    DpSpec s = new DpSpec(v.get("clip"), v.get("noise"), v.get("delta"),
        v.getOrDefault("budget", Double.POSITIVE_INFINITY));
    try {
      s.toConfig(null);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("invalid --dp '" + text + "': " + e.getMessage());
    }
    return s;
  }

  /** The engine's configuration; {@code seed} makes the noise reproducible (null for secure seeding). */
  public PrivacyConfig toConfig(Long seed) {
    return new PrivacyConfig(clip, noise, delta, budget, seed);
  }

  public Map<String, Object> describe() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("clip", clip);
    m.put("noise_multiplier", noise);
    m.put("delta", delta);
    if (Double.isFinite(budget)) {
      m.put("budget", budget);
    }
    return m;
  }
}
