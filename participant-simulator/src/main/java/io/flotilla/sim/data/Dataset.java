package io.flotilla.sim.data;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A labelled classification data set held in memory: {@code size()} samples of {@code features()} float
 * features each, stored row-major in one array, with integer labels in {@code [0, classes())}.
 *
 * <p>Immutable and therefore safe to share between threads, on one condition: {@link #x()} and
 * {@link #y()} return the internal arrays without copying (a 60,000 × 784 copy per access would dominate
 * training time), so callers must never write to them.
 */
public final class Dataset {

    private final float[] x;
    private final int[] y;
    private final int features;
    private final int classes;

    /**
     * Creates a data set from copies of {@code x} and {@code y}.
     *
     * @param x row-major feature matrix, {@code y.length × features} values
     * @param y labels, each in {@code [0, classes)}
     * @param features number of features per sample, at least 1
     * @param classes number of classes, at least 1
     * @throws IllegalArgumentException naming the problem if the shapes or labels do not fit
     */
    public Dataset(float[] x, int[] y, int features, int classes) {
        this(Objects.requireNonNull(x, "x").clone(), Objects.requireNonNull(y, "y").clone(), features, classes, true);
    }

    /** Takes ownership of the arrays without copying; for this package's own freshly built arrays. */
    private Dataset(float[] x, int[] y, int features, int classes, boolean validate) {
        if (features < 1) {
            throw new IllegalArgumentException("features must be >= 1, got " + features);
        }
        if (classes < 1) {
            throw new IllegalArgumentException("classes must be >= 1, got " + classes);
        }
        if ((long) y.length * features != x.length) {
            throw new IllegalArgumentException("x has " + x.length + " values but " + y.length + " samples × "
                    + features + " features need " + ((long) y.length * features));
        }
        if (validate) {
            for (int i = 0; i < y.length; i++) {
                if (y[i] < 0 || y[i] >= classes) {
                    throw new IllegalArgumentException(
                            "label " + y[i] + " of sample " + i + " is outside [0, " + classes + ")");
                }
            }
        }
        this.x = x;
        this.y = y;
        this.features = features;
        this.classes = classes;
    }

    /** Wraps arrays this package built itself; labels are validated, arrays are not copied. */
    static Dataset adopt(float[] x, int[] y, int features, int classes) {
        return new Dataset(x, y, features, classes, true);
    }

    /** Number of samples. */
    public int size() {
        return y.length;
    }

    /** Number of features per sample. */
    public int features() {
        return features;
    }

    /** Number of classes; labels lie in {@code [0, classes())}. */
    public int classes() {
        return classes;
    }

    /**
     * The row-major {@code size() × features()} feature matrix. Returns the internal array for speed:
     * <strong>must not be mutated</strong>.
     */
    public float[] x() {
        return x;
    }

    /** The labels. Returns the internal array for speed: <strong>must not be mutated</strong>. */
    public int[] y() {
        return y;
    }

    /**
     * A new data set holding the given rows in the given order (repeats allowed).
     *
     * @throws IllegalArgumentException if an index is outside {@code [0, size())}
     */
    public Dataset subset(int[] indices) {
        Objects.requireNonNull(indices, "indices");
        float[] sx = new float[Math.multiplyExact(indices.length, features)];
        int[] sy = new int[indices.length];
        for (int i = 0; i < indices.length; i++) {
            int r = indices[i];
            if (r < 0 || r >= y.length) {
                throw new IllegalArgumentException(
                        "subset index " + r + " at position " + i + " is outside [0, " + y.length + ")");
            }
            System.arraycopy(x, r * features, sx, i * features, features);
            sy[i] = y[r];
        }
        return new Dataset(sx, sy, features, classes, false);
    }

    /** Number of samples per label, indexed by label. */
    public long[] labelHistogram() {
        long[] h = new long[classes];
        for (int label : y) {
            h[label]++;
        }
        return h;
    }

    /**
     * Concatenates data sets in list order.
     *
     * @throws IllegalArgumentException if the list is empty or the parts disagree on features or classes
     */
    public static Dataset concat(List<Dataset> parts) {
        Objects.requireNonNull(parts, "parts");
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("cannot concatenate an empty list of data sets");
        }
        Dataset first = parts.get(0);
        long n = 0;
        for (int i = 0; i < parts.size(); i++) {
            Dataset p = Objects.requireNonNull(parts.get(i), "parts[" + i + "]");
            if (p.features != first.features || p.classes != first.classes) {
                throw new IllegalArgumentException("data set " + i + " has " + p.features + " features and "
                        + p.classes + " classes, but data set 0 has " + first.features + " and "
                        + first.classes);
            }
            n += p.size();
        }
        float[] cx = new float[Math.toIntExact(n * first.features)];
        int[] cy = new int[Math.toIntExact(n)];
        int at = 0;
        for (Dataset p : parts) {
            System.arraycopy(p.x, 0, cx, at * first.features, p.x.length);
            System.arraycopy(p.y, 0, cy, at, p.y.length);
            at += p.size();
        }
        return new Dataset(cx, cy, first.features, first.classes, false);
    }

    @Override
    public String toString() {
        return "Dataset[size=" + size() + ", features=" + features + ", classes=" + classes
                + ", labels=" + Arrays.toString(labelHistogram()) + "]";
    }
}
