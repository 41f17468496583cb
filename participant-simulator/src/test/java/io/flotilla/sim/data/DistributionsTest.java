package io.flotilla.sim.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class DistributionsTest {

    private static final int N = 40_000;

    @Test
    void gaussianHasUnitMomentsAndIsSeeded() {
        SplittableRandom rng = new SplittableRandom(1);
        double sum = 0;
        double sq = 0;
        for (int i = 0; i < N; i++) {
            double z = Distributions.gaussian(rng);
            sum += z;
            sq += z * z;
        }
        assertThat(sum / N).isCloseTo(0, within(0.03));
        assertThat(sq / N).isCloseTo(1, within(0.03));
        assertThat(Distributions.gaussian(new SplittableRandom(5)))
                .isEqualTo(Distributions.gaussian(new SplittableRandom(5)));
    }

    /** Gamma(k, 1) has mean k and variance k, including the boosted k &lt; 1 branch. */
    @ParameterizedTest
    @ValueSource(doubles = {0.05, 0.3, 1.0, 2.5, 20})
    void gammaMatchesMeanAndVariance(double shape) {
        SplittableRandom rng = new SplittableRandom(42);
        double sum = 0;
        double sq = 0;
        for (int i = 0; i < N; i++) {
            double g = Distributions.gamma(rng, shape);
            assertThat(g).isGreaterThanOrEqualTo(0);
            sum += g;
            sq += g * g;
        }
        double mean = sum / N;
        double var = sq / N - mean * mean;
        assertThat(mean).isCloseTo(shape, within(0.05 * shape + 0.01));
        assertThat(var).isCloseTo(shape, within(0.1 * shape + 0.01));
    }

    @Test
    void dirichletSumsToOneEvenForTinyAlpha() {
        SplittableRandom rng = new SplittableRandom(3);
        for (double alpha : new double[] {1e-3, 0.1, 1, 100}) {
            double[] meanP = new double[5];
            for (int i = 0; i < 2000; i++) {
                double[] p = Distributions.dirichlet(rng, alpha, 5);
                double s = 0;
                for (int j = 0; j < 5; j++) {
                    assertThat(p[j]).isBetween(0.0, 1.0);
                    s += p[j];
                    meanP[j] += p[j] / 2000;
                }
                assertThat(s).isCloseTo(1, within(1e-9));
            }
            for (double m : meanP) {
                assertThat(m).isCloseTo(0.2, within(0.04));
            }
        }
    }
}
