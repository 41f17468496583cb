package io.flotilla.sim.data;

import java.util.SplittableRandom;

/**
 * Random variates drawn from an explicitly seeded {@link SplittableRandom}, with fixed, documented
 * algorithms and {@link StrictMath}, so that a seed gives the same data on every JVM and platform
 * ({@code RandomGenerator.nextGaussian()}'s algorithm is not specified and may change between JDKs).
 *
 * <p>Stateless; thread-safe as long as each thread uses its own generator.
 */
final class Distributions {

    private Distributions() {}

    /** Standard normal N(0, 1) by Marsaglia's polar method (Marsaglia &amp; Bray 1964); the pair's twin is discarded. */
    static double gaussian(SplittableRandom rng) {
        double v1;
        double v2;
        double s;
        do {
            v1 = 2 * rng.nextDouble() - 1;
            v2 = 2 * rng.nextDouble() - 1;
            s = v1 * v1 + v2 * v2;
        } while (s >= 1 || s == 0);
        return v1 * StrictMath.sqrt(-2 * StrictMath.log(s) / s);
    }

    /** N(mean, sd²), sd being a standard deviation (as numpy's {@code normal(loc, scale)}). */
    static double normal(SplittableRandom rng, double mean, double sd) {
        return mean + sd * gaussian(rng);
    }

    /** LogNormal: exp(N(mu, sigma²)), as numpy's {@code lognormal(mean, sigma)}. */
    static double lognormal(SplittableRandom rng, double mu, double sigma) {
        return StrictMath.exp(normal(rng, mu, sigma));
    }

    /**
     * Log of a Gamma(shape, 1) variate. Marsaglia &amp; Tsang, "A simple method for generating gamma
     * variables", ACM TOMS 26(3), 2000: squeeze-accepted cube of a normal for shape ≥ 1; for shape &lt; 1
     * their boost {@code Gamma(a) = Gamma(a + 1) · U^(1/a)}, kept in log space because {@code U^(1/a)}
     * underflows to 0 for small {@code a} (e.g. a = 0.01).
     */
    static double logGamma(SplittableRandom rng, double shape) {
        if (!(shape > 0) || Double.isInfinite(shape)) {
            throw new IllegalArgumentException("gamma shape must be positive and finite, got " + shape);
        }
        if (shape < 1) {
            double u = 1.0 - rng.nextDouble(); // (0, 1]: log never sees 0
            return logGamma(rng, shape + 1) + StrictMath.log(u) / shape;
        }
        double d = shape - 1.0 / 3.0;
        double c = 1.0 / StrictMath.sqrt(9 * d);
        while (true) {
            double z;
            double v;
            do {
                z = gaussian(rng);
                v = 1 + c * z;
            } while (v <= 0);
            v = v * v * v;
            double u = 1.0 - rng.nextDouble();
            if (u < 1 - 0.0331 * (z * z) * (z * z)) {
                return StrictMath.log(d * v);
            }
            if (StrictMath.log(u) < 0.5 * z * z + d * (1 - v + StrictMath.log(v))) {
                return StrictMath.log(d * v);
            }
        }
    }

    /** A Gamma(shape, 1) variate; see {@link #logGamma}. */
    static double gamma(SplittableRandom rng, double shape) {
        return StrictMath.exp(logGamma(rng, shape));
    }

    /**
     * A draw from the symmetric Dirichlet {@code Dir(alpha · 1_n)} as normalised independent Gamma(alpha)
     * variates (the standard construction, e.g. Devroye 1986, ch. XI.4), normalised in log space so that
     * tiny alphas do not produce 0/0. The result sums to 1.
     */
    static double[] dirichlet(SplittableRandom rng, double alpha, int n) {
        double[] logs = new double[n];
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            logs[i] = logGamma(rng, alpha);
            max = Math.max(max, logs[i]);
        }
        double sum = 0;
        for (int i = 0; i < n; i++) {
            logs[i] = StrictMath.exp(logs[i] - max);
            sum += logs[i];
        }
        for (int i = 0; i < n; i++) {
            logs[i] /= sum;
        }
        return logs;
    }

    /** Fisher–Yates shuffle in place (Knuth, TAOCP vol. 2, Algorithm P). */
    static void shuffle(SplittableRandom rng, int[] a) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }
}
