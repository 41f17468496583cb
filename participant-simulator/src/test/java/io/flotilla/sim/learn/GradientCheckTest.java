package io.flotilla.sim.learn;

import static org.assertj.core.api.Assertions.assertThat;

import io.flotilla.sim.data.Dataset;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Analytic gradients against central finite differences on tiny random problems. */
class GradientCheckTest {

    static Stream<Arguments> models() {
        return Stream.of(
                Arguments.of(new LogisticRegression(5, 3), 0f, 0f),
                Arguments.of(new LogisticRegression(5, 3), 0.1f, 0.5f),
                // 33 classes: the output layer uses the transposed storage
                Arguments.of(new LogisticRegression(4, 33), 0.05f, 0f),
                // hidden 8: both layers [out][in]; hidden 40: first layer transposed
                Arguments.of(new Mlp(5, 8, 3), 0f, 0f),
                Arguments.of(new Mlp(5, 40, 3), 0.1f, 0.5f));
    }

    static Dataset randomData(int n, int features, int classes, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[] x = new float[n * features];
        int[] y = new int[n];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (2 * rng.nextDouble() - 1);
        }
        for (int i = 0; i < n; i++) {
            y[i] = rng.nextInt(classes);
        }
        return new Dataset(x, y, features, classes);
    }

    @ParameterizedTest(name = "{0} l2={1} mu={2}")
    @MethodSource("models")
    void analyticGradientMatchesFiniteDifferences(DenseNetwork model, float l2, float mu) {
        float eps = 1e-3f;
        Dataset data = randomData(7, model.features(), model.classes(), 1);
        float[] p = null;
        SplittableRandom rng = new SplittableRandom(3);
        for (long seed = 0; p == null || nearReluKink(model, p, data, eps); seed++) {
            assertThat(seed).as("no kink-free start found").isLessThan(100);
            p = model.initialParameters(seed);
            for (int i = 0; i < p.length; i++) {
                p[i] += (float) (0.3 * (rng.nextDouble() - 0.5)); // non-zero biases, off the init
            }
        }
        float[] center = new float[p.length];
        for (int i = 0; i < center.length; i++) {
            center[i] = (float) (rng.nextDouble() - 0.5);
        }
        float[] analytic = new float[p.length];
        model.objective(p, data, l2, mu, center, analytic);

        float[] scratch = new float[p.length];
        double diff = 0;
        double norm = 0;
        for (int i = 0; i < p.length; i++) {
            float saved = p[i];
            p[i] = saved + eps;
            double plus = model.objective(p, data, l2, mu, center, scratch);
            p[i] = saved - eps;
            double minus = model.objective(p, data, l2, mu, center, scratch);
            p[i] = saved;
            double numeric = (plus - minus) / (2.0 * eps);
            diff += (numeric - analytic[i]) * (numeric - analytic[i]);
            norm += Math.max(numeric * numeric, (double) analytic[i] * analytic[i]);
        }
        assertThat(norm).isPositive();
        assertThat(Math.sqrt(diff / norm)).as("relative gradient error").isLessThan(1e-3);
    }

    /**
     * Whether a hidden pre-activation lies within the finite-difference step of ReLU's kink, where the
     * one-sided analytic derivative and the central difference legitimately disagree (inputs are in
     * [−1, 1], so a step of eps moves a pre-activation by at most eps).
     */
    private static boolean nearReluKink(DenseNetwork model, float[] p, Dataset data, float eps) {
        if (!(model instanceof Mlp mlp)) {
            return false;
        }
        int d = mlp.features();
        int h = mlp.hidden();
        for (int r = 0; r < data.size(); r++) {
            for (int j = 0; j < h; j++) {
                double z = p[h * d + j];
                for (int k = 0; k < d; k++) {
                    z += p[j * d + k] * data.x()[r * d + k];
                }
                if (Math.abs(z) < 2 * eps) {
                    return true;
                }
            }
        }
        return false;
    }
}
