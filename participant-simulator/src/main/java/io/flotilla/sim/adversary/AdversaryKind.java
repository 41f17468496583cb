package io.flotilla.sim.adversary;

import java.util.Locale;

/**
 * The attacks a simulated participant can mount, with the name used in {@code --adversaries} and the
 * meaning of the optional parameter:
 *
 * <ul>
 *   <li>{@code sign-flip[:…:S]} sends {@code −S·Δ}, the negated honest update scaled by S (S = 4, so that
 *       30% of attackers outweigh the honest majority in a plain mean: 0.7 − 0.3·4 &lt; 0; {@code :1} is the
 *       pure sign flip of e.g. Allen-Zhu et al., "Byzantine-Resilient Non-Convex SGD", ICLR 2021).
 *   <li>{@code scaling[:…:K]} sends {@code K·Δ} (K = 10): a boosted update (Bhagoji et al., "Analyzing
 *       Federated Learning through an Adversarial Lens", ICML 2019).
 *   <li>{@code noise[:…:SIGMA]} sends {@code Δ + N(0, σ²)} per coordinate (σ = 0.1).
 *   <li>{@code label-flip} trains honestly on labels mapped {@code y → C − 1 − y} (Tolpegin et al., "Data
 *       Poisoning Attacks Against Federated Learning Systems", ESORICS 2020).
 *   <li>{@code free-rider} trains nothing and returns the base model (a zero delta) while claiming its
 *       sample count (Lin et al., "Free-riders in Federated Learning", 2019).
 * </ul>
 */
public enum AdversaryKind {
  SIGN_FLIP("sign-flip", 4.0),
  SCALING("scaling", 10.0),
  NOISE("noise", 0.1),
  LABEL_FLIP("label-flip", Double.NaN),
  FREE_RIDER("free-rider", Double.NaN);

  private final String label;
  private final double defaultParameter;

  AdversaryKind(String label, double defaultParameter) {
    this.label = label;
    this.defaultParameter = defaultParameter;
  }

  public String label() {
    return label;
  }

  public double defaultParameter() {
    return defaultParameter;
  }

  public boolean takesParameter() {
    return !Double.isNaN(defaultParameter);
  }

  public static AdversaryKind parse(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    for (AdversaryKind k : values()) {
      if (k.label.equals(t)) {
        return k;
      }
    }
    throw new IllegalArgumentException("invalid --adversaries kind '" + text
        + "': expected sign-flip, scaling, noise, label-flip or free-rider");
  }
}
