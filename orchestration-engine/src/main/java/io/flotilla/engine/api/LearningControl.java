package io.flotilla.engine.api;

import io.flotilla.engine.spi.StoppingRule;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * How a federation steers its own learning (ADR 0015): stopping rules checked after every committed round,
 * the divergence alarm (and its optional automatic reaction), drift indicators and alarms, and periodic
 * calibration rounds. Immutable; {@link #none()} turns everything off (the default).
 *
 * @param calibrateEvery run a calibration round after every N committed rounds (0 = only on request)
 */
public record LearningControl(List<StoppingRule> stoppingRules, Divergence divergence, Drift drift,
    int calibrateEvery) {

  public LearningControl {
    stoppingRules = List.copyOf(stoppingRules);
    if (calibrateEvery < 0) {
      throw new IllegalArgumentException("calibrate-every must be >= 0, got " + calibrateEvery);
    }
  }

  public static LearningControl none() {
    return new LearningControl(List.of(), null, null, 0);
  }

  public LearningControl withStoppingRules(List<StoppingRule> v) {
    return new LearningControl(v, divergence, drift, calibrateEvery);
  }

  public LearningControl withDivergence(Divergence v) {
    return new LearningControl(stoppingRules, v, drift, calibrateEvery);
  }

  public LearningControl withDrift(Drift v) {
    return new LearningControl(stoppingRules, divergence, v, calibrateEvery);
  }

  public LearningControl withCalibrateEvery(int v) {
    return new LearningControl(stoppingRules, divergence, drift, v);
  }

  /**
   * The divergence alarm: fires when the evaluation loss ({@code metric}) rose in each of the last {@code k}
   * rounds by {@code rise} (relative) in total, when the cross-participant variance of local training losses
   * exceeds {@code varianceFactor} times its median over the last 20 rounds, or when an aggregate is not
   * finite. {@code reaction} is applied from the next round: {@code none}, {@code server-lr:F} (multiply the
   * server learning rate by F), {@code lr:F} (multiply the local learning rate by F) or {@code mu:M} (switch
   * on the proximal term with coefficient M); several joined with {@code +}.
   */
  public record Divergence(String metric, int k, double rise, double varianceFactor, String reaction) {
    public Divergence {
      Objects.requireNonNull(metric, "metric");
      if (k < 2) {
        throw new IllegalArgumentException("divergence k must be >= 2, got " + k);
      }
      if (!(rise >= 0)) {
        throw new IllegalArgumentException("divergence rise must be >= 0, got " + rise);
      }
      if (!(varianceFactor > 1)) {
        throw new IllegalArgumentException("divergence variance factor must be > 1, got " + varianceFactor);
      }
      reaction = reaction == null || reaction.isBlank() ? "none" : reaction.trim();
      reactions(reaction); // fail early on a bad reaction
    }

    public static Divergence defaults() {
      return new Divergence("test_loss", 3, 0.2, 100, "none");
    }

    /** Parses {@code k=3,rise=0.2,variance=100,metric=test_loss,react=server-lr:0.5}; empty for defaults. */
    public static Divergence parse(String spec) {
      Divergence d = defaults();
      String metric = d.metric();
      int k = d.k();
      double rise = d.rise();
      double variance = d.varianceFactor();
      String react = d.reaction();
      for (Map.Entry<String, String> e : pairs("--divergence", spec).entrySet()) {
        try {
          switch (e.getKey()) {
            case "k" -> k = Integer.parseInt(e.getValue());
            case "rise" -> rise = Double.parseDouble(e.getValue());
            case "variance" -> variance = Double.parseDouble(e.getValue());
            case "metric" -> metric = e.getValue();
            case "react" -> react = e.getValue();
            default -> throw new IllegalArgumentException("--divergence has no parameter '" + e.getKey()
                + "' (known: k, rise, variance, metric, react)");
          }
        } catch (NumberFormatException ex) {
          throw new IllegalArgumentException("--divergence parameter '" + e.getKey() + "' must be a number, got '"
              + e.getValue() + "'");
        }
      }
      return new Divergence(metric, k, rise, variance, react);
    }

    /** The reaction as (kind → value), kinds {@code server-lr}, {@code lr}, {@code mu}; empty for none. */
    public Map<String, Double> reactions() {
      return reactions(reaction);
    }

    private static Map<String, Double> reactions(String reaction) {
      Map<String, Double> out = new LinkedHashMap<>();
      if (reaction.equals("none")) {
        return out;
      }
      for (String part : reaction.split("\\+")) {
        String[] kv = part.trim().split(":", 2);
        String kind = kv[0].trim().toLowerCase(Locale.ROOT);
        if (!List.of("server-lr", "lr", "mu").contains(kind) || kv.length != 2) {
          throw new IllegalArgumentException("invalid divergence reaction '" + part
              + "': use none, server-lr:FACTOR, lr:FACTOR or mu:VALUE (joined with +)");
        }
        double v;
        try {
          v = Double.parseDouble(kv[1].trim());
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("invalid divergence reaction '" + part + "': '" + kv[1]
              + "' is not a number");
        }
        boolean ok = kind.equals("mu") ? v >= 0 && Double.isFinite(v) : v > 0 && v < 1;
        if (!ok) {
          throw new IllegalArgumentException("invalid divergence reaction '" + part + "': "
              + (kind.equals("mu") ? "mu must be >= 0" : "the factor must be in (0, 1)"));
        }
        out.put(kind, v);
      }
      return out;
    }
  }

  /**
   * Drift alarms. A participant alarms when the Jensen–Shannon divergence (bits) of its label histogram
   * against the federation's moves more than {@code jsRise} away from its own first value (either way), when
   * its local training loss exceeds its running average (EWMA, weight {@code 0.5}) by the relative
   * {@code lossRise}, or when its update norm exceeds its running average by the relative {@code normRise}.
   * The federation alarms when at least {@code federationFraction} of a round's contributors alarm.
   */
  public record Drift(double jsRise, double lossRise, double normRise, double federationFraction) {
    public Drift {
      if (!(jsRise > 0) || !(lossRise > 0) || !(normRise > 0)
          || !(federationFraction > 0 && federationFraction <= 1)) {
        throw new IllegalArgumentException("drift thresholds must be positive (fraction in (0, 1]), got js="
            + jsRise + ", loss=" + lossRise + ", norm=" + normRise + ", fraction=" + federationFraction);
      }
    }

    public static Drift defaults() {
      return new Drift(0.05, 0.15, 0.5, 0.5);
    }

    /** Parses {@code js=0.05,loss=0.15,norm=0.5,fraction=0.5}; empty or {@code on} for defaults. */
    public static Drift parse(String spec) {
      Drift d = defaults();
      double js = d.jsRise();
      double loss = d.lossRise();
      double norm = d.normRise();
      double fraction = d.federationFraction();
      for (Map.Entry<String, String> e : pairs("--drift-alarm", spec).entrySet()) {
        try {
          switch (e.getKey()) {
            case "js" -> js = Double.parseDouble(e.getValue());
            case "loss" -> loss = Double.parseDouble(e.getValue());
            case "norm" -> norm = Double.parseDouble(e.getValue());
            case "fraction" -> fraction = Double.parseDouble(e.getValue());
            default -> throw new IllegalArgumentException("--drift-alarm has no parameter '" + e.getKey()
                + "' (known: js, loss, norm, fraction)");
          }
        } catch (NumberFormatException ex) {
          throw new IllegalArgumentException("--drift-alarm parameter '" + e.getKey() + "' must be a number, got '"
              + e.getValue() + "'");
        }
      }
      return new Drift(js, loss, norm, fraction);
    }
  }

  private static Map<String, String> pairs(String flag, String spec) {
    Map<String, String> out = new LinkedHashMap<>();
    if (spec == null || spec.isBlank() || spec.equals("on") || spec.equals("default")) {
      return out;
    }
    for (String part : spec.split(",")) {
      String[] kv = part.split("=", 2);
      if (kv.length != 2 || kv[0].isBlank()) {
        throw new IllegalArgumentException("invalid " + flag + " '" + spec + "': expected k=v pairs separated by commas");
      }
      out.put(kv[0].trim(), kv[1].trim());
    }
    return out;
  }
}
