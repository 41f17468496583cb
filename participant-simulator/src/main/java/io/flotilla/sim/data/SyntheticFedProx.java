package io.flotilla.sim.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The Synthetic(α, β) federated data set of FedProx: Li, Sahu, Zaheer, Sanjabi, Talwalkar, Smith,
 * "Federated Optimization in Heterogeneous Networks", MLSys 2020, §5.1 — generated as the authors'
 * {@code generate_niid.py} / {@code generate_iid.py} do it (which differs from the paper's prose):
 *
 * <ul>
 *   <li>samples on device k: {@code int(LogNormal(4, 2)) + 50} (the code draws lognormal, not a power law);
 *   <li>{@code u_k ~ N(0, α²)}, {@code B_k ~ N(0, β²)} — α and β are standard deviations;
 *   <li>{@code W_k ∈ R^{60×10} ~ N(u_k, 1)}, {@code b_k ∈ R^10 ~ N(u_k, 1)} (same mean for both);
 *   <li>{@code v_k ~ N(B_k, 1) ∈ R^60}; {@code x ~ N(v_k, Σ)}, {@code Σ = diag(j^-1.2)}, j = 1..60;
 *   <li>{@code y = argmax(softmax(x·W_k + b_k))} (first index on ties, as numpy);
 *   <li>each device's samples shuffled, the first {@code int(0.9 n)} train, the rest test.
 * </ul>
 *
 * IID variant: one global {@code W, b ~ N(0, 1)} and {@code x ~ N(0, Σ)} on every device (α and β unused),
 * with the same sample-count law. The random stream is a {@link SplittableRandom} seeded with {@code seed},
 * so the data match the authors' distribution, not their exact numpy draws.
 *
 * <p>Stateless; {@link #generate} is thread-safe.
 */
public final class SyntheticFedProx {

    /** Number of features, 60 as in the paper. */
    public static final int FEATURES = 60;
    /** Number of classes, 10 as in the paper. */
    public static final int CLASSES = 10;
    /** Number of devices in the paper's runs. */
    public static final int DEFAULT_DEVICES = 30;

    private SyntheticFedProx() {}

    /**
     * Generates one federation.
     *
     * @param alpha standard deviation of the per-device model mean u_k (how much local models differ)
     * @param beta standard deviation of the per-device feature mean B_k (how much local inputs differ)
     * @param iid whether to generate the IID variant (α, β ignored)
     * @param devices number of devices, e.g. {@link #DEFAULT_DEVICES}
     * @param seed random seed; the same arguments always give the same data
     * @return each device's 90% train split, and as test set the concatenation of the devices' 10% splits
     * @throws IllegalArgumentException if α or β is negative or not finite, or devices &lt; 1
     */
    public static FederatedData generate(double alpha, double beta, boolean iid, int devices, long seed) {
        if (!(alpha >= 0) || Double.isInfinite(alpha)) {
            throw new IllegalArgumentException("alpha must be a finite standard deviation >= 0, got " + alpha);
        }
        if (!(beta >= 0) || Double.isInfinite(beta)) {
            throw new IllegalArgumentException("beta must be a finite standard deviation >= 0, got " + beta);
        }
        if (devices < 1) {
            throw new IllegalArgumentException("devices must be >= 1, got " + devices);
        }
        SplittableRandom rng = new SplittableRandom(seed);

        int[] samples = new int[devices];
        for (int k = 0; k < devices; k++) {
            samples[k] = (int) Distributions.lognormal(rng, 4, 2) + 50;
        }
        double[] meanW = new double[devices];
        for (int k = 0; k < devices; k++) {
            meanW[k] = Distributions.normal(rng, 0, alpha);
        }
        double[] meanX = new double[devices];
        for (int k = 0; k < devices; k++) {
            meanX[k] = Distributions.normal(rng, 0, beta);
        }
        double[] sd = new double[FEATURES];
        for (int j = 0; j < FEATURES; j++) {
            sd[j] = StrictMath.sqrt(StrictMath.pow(j + 1, -1.2));
        }
        double[][] v = new double[devices][FEATURES];
        for (int k = 0; k < devices; k++) {
            for (int j = 0; j < FEATURES; j++) {
                v[k][j] = iid ? 0 : Distributions.normal(rng, meanX[k], 1);
            }
        }
        double[] globalW = null;
        double[] globalB = null;
        if (iid) {
            globalW = normals(rng, 0, FEATURES * CLASSES);
            globalB = normals(rng, 0, CLASSES);
        }

        List<Dataset> train = new ArrayList<>(devices);
        List<Dataset> test = new ArrayList<>(devices);
        double[] row = new double[FEATURES];
        for (int k = 0; k < devices; k++) {
            double[] w = iid ? globalW : normals(rng, meanW[k], FEATURES * CLASSES); // row-major 60×10
            double[] b = iid ? globalB : normals(rng, meanW[k], CLASSES);
            int n = samples[k];
            float[] x = new float[n * FEATURES];
            int[] y = new int[n];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < FEATURES; j++) {
                    row[j] = v[k][j] + sd[j] * Distributions.gaussian(rng);
                    x[i * FEATURES + j] = (float) row[j];
                }
                y[i] = argmaxLogit(row, w, b);
            }
            int[] order = new int[n];
            for (int i = 0; i < n; i++) {
                order[i] = i;
            }
            Distributions.shuffle(rng, order);
            int trainLen = (int) (0.9 * n);
            Dataset device = Dataset.adopt(x, y, FEATURES, CLASSES);
            train.add(device.subset(Arrays.copyOfRange(order, 0, trainLen)));
            test.add(device.subset(Arrays.copyOfRange(order, trainLen, n)));
        }
        String description = String.format(Locale.ROOT,
                "Synthetic(%s) FedProx (Li et al. 2020), %d devices, seed %d",
                iid ? "iid" : "alpha=" + alpha + ", beta=" + beta, devices, seed);
        return new FederatedData(train, Dataset.concat(test), description);
    }

    private static double[] normals(SplittableRandom rng, double mean, int n) {
        double[] a = new double[n];
        for (int i = 0; i < n; i++) {
            a[i] = Distributions.normal(rng, mean, 1);
        }
        return a;
    }

    /** argmax of softmax(x·W + b) = argmax of the logits, since softmax is monotone. */
    private static int argmaxLogit(double[] x, double[] w, double[] b) {
        int best = 0;
        double bestLogit = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < CLASSES; c++) {
            double z = b[c];
            for (int j = 0; j < FEATURES; j++) {
                z += x[j] * w[j * CLASSES + c];
            }
            if (z > bestLogit) {
                bestLogit = z;
                best = c;
            }
        }
        return best;
    }
}
