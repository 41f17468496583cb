package io.flotilla.sim.learn;

/**
 * Quality of a model on a data set, from {@link Model#evaluate}. Both values are {@code NaN} for an empty
 * data set.
 *
 * <p>Immutable; thread-safe.
 *
 * @param loss mean cross-entropy (natural log) over the samples
 * @param accuracy fraction of samples whose highest logit is the true label (first index on ties)
 * @param samples number of samples evaluated
 */
public record Evaluation(double loss, double accuracy, long samples) {}
