package io.flotilla.sim.learn;

/**
 * Hyper-parameters of one local training run: mini-batch SGD on
 * {@code mean cross-entropy + (l2/2)·‖weights‖² + (mu/2)·‖w − proximalCenter‖²}, i.e. the step
 * {@code w ← w − lr·(∇CE + l2·w_weights + mu·(w − w_global))}. The proximal term is FedProx's local
 * objective (Li et al., "Federated Optimization in Heterogeneous Networks", MLSys 2020, eq. 2); with
 * {@code mu = 0} or no center this is plain FedAvg local SGD (McMahan et al., AISTATS 2017). The L2 term
 * applies to weight matrices only, not biases (as a Keras/TF {@code kernel_regularizer}, which the FedProx
 * code uses); the proximal term applies to every parameter.
 *
 * <p>Immutable except that {@code proximalCenter} is not copied (it is the size of the model): callers
 * must not modify it while training runs. Record equality compares that array by identity.
 *
 * @param epochs passes over the local data, &ge; 0
 * @param batchSize samples per step, &ge; 1; the last, partial batch of an epoch is used too
 * @param learningRate step size, &gt; 0
 * @param l2 weight decay on weight matrices, &ge; 0
 * @param mu FedProx proximal coefficient, &ge; 0
 * @param proximalCenter the global model the proximal term pulls towards; may be {@code null}, and is
 *     ignored when {@code mu == 0}
 */
public record TrainConfig(int epochs, int batchSize, float learningRate, float l2, float mu, float[] proximalCenter) {

    /** @throws IllegalArgumentException naming the first out-of-range value */
    public TrainConfig {
        if (epochs < 0) {
            throw new IllegalArgumentException("epochs must be >= 0, got " + epochs);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be >= 1, got " + batchSize);
        }
        if (!(learningRate > 0) || Float.isInfinite(learningRate)) {
            throw new IllegalArgumentException("learningRate must be > 0 and finite, got " + learningRate);
        }
        if (!(l2 >= 0) || Float.isInfinite(l2)) {
            throw new IllegalArgumentException("l2 must be >= 0 and finite, got " + l2);
        }
        if (!(mu >= 0) || Float.isInfinite(mu)) {
            throw new IllegalArgumentException("mu must be >= 0 and finite, got " + mu);
        }
    }

    /** Plain SGD: no weight decay, no proximal term. */
    public static TrainConfig sgd(int epochs, int batchSize, float learningRate) {
        return new TrainConfig(epochs, batchSize, learningRate, 0f, 0f, null);
    }

    /** This configuration with weight decay {@code l2}. */
    public TrainConfig withL2(float l2) {
        return new TrainConfig(epochs, batchSize, learningRate, l2, mu, proximalCenter);
    }

    /** This configuration with the FedProx term {@code mu·(w − center)}. */
    public TrainConfig withProximal(float mu, float[] center) {
        return new TrainConfig(epochs, batchSize, learningRate, l2, mu, center);
    }

    /** This configuration with another number of epochs (e.g. a FedProx straggler's partial work). */
    public TrainConfig withEpochs(int epochs) {
        return new TrainConfig(epochs, batchSize, learningRate, l2, mu, proximalCenter);
    }
}
