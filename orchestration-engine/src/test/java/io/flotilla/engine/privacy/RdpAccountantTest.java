package io.flotilla.engine.privacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import org.junit.jupiter.api.Test;

/** Reference values from TensorFlow Privacy's rdp_accountant_test.py (integer orders). */
class RdpAccountantTest {
  @Test
  void matchesTensorFlowPrivacyReferenceValues() {
    // compute_rdp(q=0.1, noise_multiplier=2, steps=10, orders=5) = 0.07737
    assertThat(10 * RdpAccountant.rdpStep(0.1, 2, 5)).isCloseTo(0.07737, offset(5e-6));
    // compute_rdp(0.01, 2.5, 50, [.., 5, 50, 100]) = [.., 0.00218075, 0.023846, 167.416307]
    assertThat(50 * RdpAccountant.rdpStep(0.01, 2.5, 5)).isCloseTo(0.00218075, offset(5e-8));
    assertThat(50 * RdpAccountant.rdpStep(0.01, 2.5, 50)).isCloseTo(0.023846, offset(5e-6));
    assertThat(50 * RdpAccountant.rdpStep(0.01, 2.5, 100)).isCloseTo(167.416307, offset(5e-4));
  }

  @Test
  void edgeCasesOfTheSampledGaussian() {
    assertThat(RdpAccountant.rdpStep(1, 10, 20)).isEqualTo(0.1); // no sampling: alpha / (2 sigma^2)
    assertThat(RdpAccountant.rdpStep(0, 10, 20)).isZero();
    // alpha = 2 closed form: log(1 + q^2 (e^{1/sigma^2} - 1))
    double q = 0.3;
    double s = 1.3;
    assertThat(RdpAccountant.rdpStep(q, s, 2)).isCloseTo(Math.log(1 + q * q * (Math.exp(1 / (s * s)) - 1)),
        offset(1e-12));
  }

  @Test
  void epsilonGrowsWithRoundsAndShrinksWithNoise() {
    RdpAccountant a = new RdpAccountant();
    a.compose(1.0, 1.0, 1);
    double e1 = a.epsilon(1e-5);
    // one Gaussian mechanism: min over integer alpha of alpha/2 + log(1e5)/(alpha-1)
    double best = Double.MAX_VALUE;
    for (int alpha = 2; alpha <= 64; alpha++) {
      best = Math.min(best, alpha / 2.0 + Math.log(1e5) / (alpha - 1));
    }
    assertThat(e1).isCloseTo(best, offset(1e-12));
    assertThat(a.epsilonAfter(1.0, 1.0, 1e-5)).isGreaterThan(e1);
    a.compose(1.0, 1.0, 1);
    assertThat(a.epsilon(1e-5)).isGreaterThan(e1);
    RdpAccountant quiet = new RdpAccountant();
    quiet.compose(1.0, 4.0, 2);
    assertThat(quiet.epsilon(1e-5)).isLessThan(a.epsilon(1e-5));
    assertThat(quiet.steps()).isEqualTo(2);
  }
}
