package io.flotilla.sim.learn;

import io.flotilla.sim.data.Dataset;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * The shared machinery of the fully connected {@link Model}s: a stack of {@link DenseLayer}s with ReLU
 * between them and a softmax cross-entropy head, the flat-vector layout, the mini-batch SGD loop and
 * evaluation. Subclasses fix the layer sizes and names and the initialisation.
 *
 * <p>Immutable and thread-safe; all mutable state lives in per-call {@link Pass} objects.
 */
abstract class DenseNetwork implements Model {

    /** Rows per block in {@link #evaluate}: bounds the workspace on large test sets. */
    private static final int EVAL_BLOCK = 256;

    private final int[] widths;
    private final List<TensorShape> tensors;
    private final int parameterCount;

    /**
     * @param widths layer widths, input first and classes last, e.g. {@code {784, 200, 10}}
     * @param names one PyTorch module name per layer, e.g. {@code {"fc1", "fc2"}}
     */
    DenseNetwork(int[] widths, String[] names) {
        this.widths = widths.clone();
        List<TensorShape> shapes = new ArrayList<>();
        long count = 0;
        for (int l = 0; l < names.length; l++) {
            shapes.add(new TensorShape(names[l] + ".weight", widths[l + 1], widths[l]));
            shapes.add(new TensorShape(names[l] + ".bias", widths[l + 1]));
            count += (long) widths[l + 1] * widths[l] + widths[l + 1];
        }
        if (count > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("model has " + count + " parameters, too many for one array");
        }
        this.tensors = List.copyOf(shapes);
        this.parameterCount = (int) count;
    }

    /** Validates input and output sizes before any tensor is built from them. */
    static void checkDimensions(int features, int classes) {
        if (features < 1) {
            throw new IllegalArgumentException("features must be >= 1, got " + features);
        }
        if (classes < 2) {
            throw new IllegalArgumentException("classes must be >= 2, got " + classes);
        }
    }

    @Override
    public final int features() {
        return widths[0];
    }

    @Override
    public final int classes() {
        return widths[widths.length - 1];
    }

    @Override
    public final int parameterCount() {
        return parameterCount;
    }

    @Override
    public final List<TensorShape> tensors() {
        return tensors;
    }

    @Override
    public String toString() {
        return spec() + " " + tensors;
    }

    @Override
    public final TrainResult train(float[] params, Dataset data, TrainConfig cfg, long seed) {
        checkParams(params, "params");
        checkData(data);
        Objects.requireNonNull(cfg, "cfg");
        float[] centerFlat = cfg.mu() > 0 ? cfg.proximalCenter() : null;
        if (centerFlat != null) {
            checkParams(centerFlat, "proximalCenter");
        }
        int n = data.size();
        if (n == 0 || cfg.epochs() == 0) {
            return new TrainResult(params.clone(), Double.NaN, cfg.epochs());
        }
        int batch = Math.min(cfg.batchSize(), n);
        Pass pass = new Pass(batch);
        pass.load(params, pass.layers);
        DenseLayer[] center = null;
        if (centerFlat != null) {
            center = new DenseLayer[pass.layers.length];
            for (int l = 0; l < center.length; l++) {
                center[l] = pass.layers[l].sameShape();
            }
            pass.load(centerFlat, center);
        }
        int features = features();
        float[][] xb = pass.act[0];
        int[] yb = new int[batch];
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        SplittableRandom rng = new SplittableRandom(seed);
        float[] x = data.x();
        int[] y = data.y();
        double meanLoss = Double.NaN;
        for (int epoch = 0; epoch < cfg.epochs(); epoch++) {
            shuffle(rng, order);
            double sum = 0;
            for (int from = 0; from < n; from += batch) {
                int rows = Math.min(batch, n - from);
                for (int r = 0; r < rows; r++) {
                    int s = order[from + r];
                    System.arraycopy(x, s * features, xb[r], 0, features);
                    yb[r] = y[s];
                }
                double loss = pass.forwardBackward(rows, yb);
                if (!Double.isFinite(loss)) {
                    // NaN guard: return the parameters from before this batch, which may already be extreme
                    float[] out = new float[parameterCount];
                    pass.store(out);
                    return new TrainResult(out, Double.NaN, epoch);
                }
                sum += loss;
                for (int l = 0; l < pass.layers.length; l++) {
                    pass.layers[l].step(cfg.learningRate(), cfg.l2(), cfg.mu(), center == null ? null : center[l]);
                }
            }
            meanLoss = sum / n;
        }
        float[] out = new float[parameterCount];
        pass.store(out);
        for (float v : out) {
            if (!Float.isFinite(v)) {
                meanLoss = Double.NaN;
                break;
            }
        }
        return new TrainResult(out, meanLoss, cfg.epochs());
    }

    @Override
    public final Evaluation evaluate(float[] params, Dataset data) {
        checkParams(params, "params");
        checkData(data);
        int n = data.size();
        if (n == 0) {
            return new Evaluation(Double.NaN, Double.NaN, 0);
        }
        int block = Math.min(EVAL_BLOCK, n);
        Pass pass = new Pass(block);
        pass.load(params, pass.layers);
        int features = features();
        int classes = classes();
        float[] x = data.x();
        int[] y = data.y();
        double lossSum = 0;
        long correct = 0;
        for (int from = 0; from < n; from += block) {
            int rows = Math.min(block, n - from);
            for (int r = 0; r < rows; r++) {
                System.arraycopy(x, (from + r) * features, pass.act[0][r], 0, features);
            }
            float[][] z = pass.forward(rows);
            for (int r = 0; r < rows; r++) {
                float[] zr = z[r];
                int label = y[from + r];
                int best = 0;
                float max = zr[0];
                for (int c = 1; c < classes; c++) {
                    if (zr[c] > max) {
                        max = zr[c];
                        best = c;
                    }
                }
                double sumExp = 0;
                for (int c = 0; c < classes; c++) {
                    sumExp += StrictMath.exp((double) zr[c] - max);
                }
                lossSum += StrictMath.log(sumExp) + max - zr[label];
                if (best == label) {
                    correct++;
                }
            }
        }
        return new Evaluation(lossSum / n, (double) correct / n, n);
    }

    /**
     * The full regularised objective {@code mean CE + (l2/2)‖weights‖² + (mu/2)‖w − center‖²} over all of
     * {@code data} as one batch, with its gradient written to {@code gradOut}. For gradient checks: it runs
     * the same forward and backward code as {@link #train}.
     */
    final double objective(float[] params, Dataset data, float l2, float mu, float[] center, float[] gradOut) {
        checkParams(params, "params");
        checkData(data);
        int n = data.size();
        Pass pass = new Pass(n);
        pass.load(params, pass.layers);
        for (int r = 0; r < n; r++) {
            System.arraycopy(data.x(), r * features(), pass.act[0][r], 0, features());
        }
        double value = pass.forwardBackward(n, data.y()) / n;
        int offset = 0;
        for (DenseLayer layer : pass.layers) {
            offset = layer.storeGradient(gradOut, offset);
        }
        offset = 0;
        for (TensorShape t : tensors) {
            boolean weight = t.dims().length == 2;
            for (int i = offset; i < offset + t.size(); i++) {
                if (weight) {
                    value += 0.5 * l2 * params[i] * params[i];
                    gradOut[i] += l2 * params[i];
                }
                if (mu > 0 && center != null) {
                    double d = params[i] - center[i];
                    value += 0.5 * mu * d * d;
                    gradOut[i] += (float) (mu * d);
                }
            }
            offset += t.size();
        }
        return value;
    }

    /** Fills {@code into[offset, offset+size)} with U(−bound, bound) draws. */
    static void uniform(SplittableRandom rng, float[] into, int offset, int size, double bound) {
        for (int i = offset; i < offset + size; i++) {
            into[i] = (float) ((2 * rng.nextDouble() - 1) * bound);
        }
    }

    private void checkParams(float[] params, String what) {
        Objects.requireNonNull(params, what);
        if (params.length != parameterCount) {
            throw new IllegalArgumentException(what + " has " + params.length + " values but " + spec()
                    + " has " + parameterCount + " parameters");
        }
    }

    private void checkData(Dataset data) {
        Objects.requireNonNull(data, "data");
        if (data.features() != features()) {
            throw new IllegalArgumentException("data has " + data.features() + " features but " + spec()
                    + " expects " + features());
        }
        if (data.classes() > classes()) {
            throw new IllegalArgumentException("data has " + data.classes() + " classes but " + spec()
                    + " has only " + classes() + " outputs");
        }
    }

    private static void shuffle(SplittableRandom rng, int[] a) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    /**
     * Replaces logits {@code z} (the first {@code rows} rows) by the gradient of the batch-mean
     * cross-entropy with respect to them, {@code (softmax(z) − onehot(y)) / rows}, and returns the summed
     * cross-entropy. Softmax is computed stably by subtracting the row maximum (Goodfellow, Bengio,
     * Courville, "Deep Learning", 2016, §4.1).
     */
    static double softmaxCrossEntropy(float[][] z, int rows, int[] y) {
        double invRows = 1.0 / rows;
        double loss = 0;
        for (int r = 0; r < rows; r++) {
            float[] zr = z[r];
            int cols = zr.length;
            float max = zr[0];
            for (int c = 1; c < cols; c++) {
                max = Math.max(max, zr[c]);
            }
            int label = y[r];
            float zy = zr[label];
            double sum = 0;
            for (int c = 0; c < cols; c++) {
                double e = StrictMath.exp((double) zr[c] - max);
                zr[c] = (float) e;
                sum += e;
            }
            // −log softmax_y = log Σ exp(z − max) + max − z_y, finite even when exp(z_y − max) underflows
            loss += StrictMath.log(sum) + max - zy;
            double scale = invRows / sum;
            for (int c = 0; c < cols; c++) {
                zr[c] = (float) (zr[c] * scale);
            }
            zr[label] -= (float) invRows;
        }
        return loss;
    }

    /**
     * Layers and batch buffers of one training or evaluation call: {@code act[0]} is the input batch,
     * {@code act[l + 1]} the output of layer {@code l} (after ReLU for hidden layers), {@code grad[l]} the
     * loss gradient with respect to hidden activation {@code act[l + 1]}. Not thread-safe.
     */
    final class Pass {
        final DenseLayer[] layers;
        final float[][][] act;
        final float[][][] grad;

        Pass(int maxRows) {
            int depth = widths.length - 1;
            layers = new DenseLayer[depth];
            act = new float[depth + 1][][];
            grad = new float[depth][][];
            act[0] = new float[maxRows][widths[0]];
            for (int l = 0; l < depth; l++) {
                layers[l] = new DenseLayer(widths[l], widths[l + 1]);
                act[l + 1] = new float[maxRows][widths[l + 1]];
                if (l < depth - 1) {
                    grad[l] = new float[maxRows][widths[l + 1]];
                }
            }
        }

        /** Forward pass over the first {@code rows} rows of {@code act[0]}; returns the logits buffer. */
        float[][] forward(int rows) {
            for (int l = 0; l < layers.length; l++) {
                layers[l].forward(act[l], rows, act[l + 1]);
                if (l < layers.length - 1) {
                    for (int r = 0; r < rows; r++) {
                        float[] h = act[l + 1][r];
                        for (int i = 0; i < h.length; i++) {
                            h[i] = Math.max(h[i], 0f);
                        }
                    }
                }
            }
            return act[layers.length];
        }

        /**
         * Forward and backward pass: leaves the gradient of the batch-mean cross-entropy in the layers and
         * returns the summed cross-entropy.
         */
        double forwardBackward(int rows, int[] y) {
            float[][] z = forward(rows);
            double loss = softmaxCrossEntropy(z, rows, y); // z now holds dLoss/dz
            float[][] delta = z;
            for (int l = layers.length - 1; l >= 0; l--) {
                float[][] dIn = l > 0 ? grad[l - 1] : null;
                layers[l].backward(act[l], delta, rows, dIn);
                if (dIn != null) {
                    for (int r = 0; r < rows; r++) { // ReLU' = 0 where the activation was clipped
                        float[] h = act[l][r];
                        float[] d = dIn[r];
                        for (int i = 0; i < h.length; i++) {
                            if (h[i] <= 0f) {
                                d[i] = 0f;
                            }
                        }
                    }
                }
                delta = dIn;
            }
            return loss;
        }

        void load(float[] flat, DenseLayer[] into) {
            int offset = 0;
            for (DenseLayer layer : into) {
                offset = layer.load(flat, offset);
            }
        }

        void store(float[] flat) {
            int offset = 0;
            for (DenseLayer layer : layers) {
                offset = layer.store(flat, offset);
            }
        }
    }
}
