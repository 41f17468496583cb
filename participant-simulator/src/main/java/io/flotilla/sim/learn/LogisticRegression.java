package io.flotilla.sim.learn;

import java.util.SplittableRandom;

/**
 * Multinomial logistic regression, {@code p(y | x) = softmax(W·x + b)}, trained on mean cross-entropy —
 * the convex model of the FedProx synthetic experiments (Li et al., MLSys 2020, §5.1) and the centralised
 * Fashion-MNIST baseline (Xiao et al. 2017). Tensors, in PyTorch's {@code nn.Linear} layout:
 * {@code fc.weight [classes, features]}, {@code fc.bias [classes]}. Initial weights are Xavier-uniform
 * (Glorot &amp; Bengio, AISTATS 2010, eq. 16), biases zero, as Keras' {@code Dense} default that the
 * FedProx code relies on.
 *
 * <p>Immutable and thread-safe (see {@link Model}).
 */
public final class LogisticRegression extends DenseNetwork {

    /**
     * @throws IllegalArgumentException if {@code features < 1} or {@code classes < 2}
     */
    public LogisticRegression(int features, int classes) {
        super(widths(features, classes), new String[] {"fc"});
    }

    private static int[] widths(int features, int classes) {
        checkDimensions(features, classes);
        return new int[] {features, classes};
    }

    @Override
    public String spec() {
        return "logreg";
    }

    @Override
    public float[] initialParameters(long seed) {
        float[] p = new float[parameterCount()];
        double bound = Math.sqrt(6.0 / (features() + classes()));
        uniform(new SplittableRandom(seed), p, 0, classes() * features(), bound);
        return p;
    }
}
