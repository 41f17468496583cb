package io.flotilla.sim.learn;

import java.util.SplittableRandom;

/**
 * A multilayer perceptron with one hidden ReLU layer, {@code softmax(W2·relu(W1·x + b1) + b2)}, the
 * "2NN"-style model of FedAvg (McMahan et al., AISTATS 2017) and the MLP baseline of Fashion-MNIST (Xiao et
 * al. 2017). Tensors, PyTorch layout: {@code fc1.weight [hidden, features]}, {@code fc1.bias [hidden]},
 * {@code fc2.weight [classes, hidden]}, {@code fc2.bias [classes]}. Initialisation: {@code fc1.weight}
 * He-uniform for ReLU (He, Zhang, Ren, Sun, ICCV 2015, eq. 10: variance 2/fan_in), {@code fc2.weight}
 * Xavier-uniform (Glorot &amp; Bengio, AISTATS 2010, eq. 16), biases zero.
 *
 * <p>Immutable and thread-safe (see {@link Model}).
 */
public final class Mlp extends DenseNetwork {

    private final int hidden;

    /**
     * @throws IllegalArgumentException if {@code features < 1}, {@code hidden < 1} or {@code classes < 2}
     */
    public Mlp(int features, int hidden, int classes) {
        super(widths(features, hidden, classes), new String[] {"fc1", "fc2"});
        this.hidden = hidden;
    }

    private static int[] widths(int features, int hidden, int classes) {
        checkDimensions(features, classes);
        if (hidden < 1) {
            throw new IllegalArgumentException("hidden units must be >= 1, got " + hidden);
        }
        return new int[] {features, hidden, classes};
    }

    /** Number of hidden units. */
    public int hidden() {
        return hidden;
    }

    @Override
    public String spec() {
        return "mlp:" + hidden;
    }

    @Override
    public float[] initialParameters(long seed) {
        float[] p = new float[parameterCount()];
        SplittableRandom rng = new SplittableRandom(seed);
        int w1 = hidden * features();
        uniform(rng, p, 0, w1, Math.sqrt(6.0 / features()));
        uniform(rng, p, w1 + hidden, classes() * hidden, Math.sqrt(6.0 / (hidden + classes())));
        return p;
    }
}
