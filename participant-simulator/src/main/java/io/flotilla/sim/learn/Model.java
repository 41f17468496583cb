package io.flotilla.sim.learn;

import io.flotilla.sim.data.Dataset;
import java.util.List;
import java.util.Locale;

/**
 * A classifier that a simulated participant trains locally: a fixed architecture whose parameters live in
 * one flat {@code float[]} (the tensors of {@link #tensors()} concatenated, PyTorch names and layouts), so
 * that the engine can aggregate, ship and store models without knowing what they are.
 *
 * <p>Implementations are immutable and thread-safe: every call allocates its own workspace, so one
 * instance may train for many participants at once. All calls are deterministic: the same arguments give
 * bit-identical results on every run and platform (single-threaded loops that never reassociate float
 * sums, {@link StrictMath} for exp/log, an explicitly seeded {@link java.util.SplittableRandom}).
 */
public interface Model {

    /** Canonical spec string, as accepted by {@link #parse}, e.g. {@code mlp:200}. */
    String spec();

    /** Number of input features. */
    int features();

    /** Number of classes (outputs). */
    int classes();

    /** Total number of parameters: the sum of the tensors' sizes. */
    int parameterCount();

    /** The parameter tensors in the order their values appear in the flat parameter vector. */
    List<TensorShape> tensors();

    /** Fresh randomly initialised parameters; the same seed gives the same array. */
    float[] initialParameters(long seed);

    /**
     * Runs {@code cfg.epochs()} epochs of mini-batch SGD from {@code params}: each epoch visits the samples
     * in a fresh permutation drawn from a generator seeded with {@code seed}.
     *
     * @param params starting parameters; not modified
     * @param data local training data; {@code features()} must match and labels must be below
     *     {@link #classes()}
     * @throws IllegalArgumentException if a length or shape does not match
     */
    TrainResult train(float[] params, Dataset data, TrainConfig cfg, long seed);

    /**
     * Mean cross-entropy and accuracy of {@code params} on {@code data}.
     *
     * @throws IllegalArgumentException if a length or shape does not match
     */
    Evaluation evaluate(float[] params, Dataset data);

    /**
     * Creates a model from its spec: {@code logreg} ({@link LogisticRegression}) or {@code mlp:HIDDEN}
     * ({@link Mlp} with HIDDEN ReLU units); case-insensitive.
     *
     * @throws IllegalArgumentException naming the bad value, e.g. {@code invalid --model 'mlp:x': ...}
     */
    static Model parse(String spec, int features, int classes) {
        if (spec == null) {
            throw new IllegalArgumentException("invalid --model: missing value; expected logreg or mlp:HIDDEN");
        }
        String s = spec.strip().toLowerCase(Locale.ROOT);
        if (s.equals("logreg")) {
            return new LogisticRegression(features, classes);
        }
        if (s.equals("mlp") || s.startsWith("mlp:")) {
            String arg = s.length() > 4 ? s.substring(4).strip() : "";
            int hidden;
            try {
                hidden = arg.matches("\\+?[0-9]+") ? Integer.parseInt(arg) : -1;
            } catch (NumberFormatException e) {
                hidden = -1;
            }
            if (hidden < 1) {
                throw new IllegalArgumentException("invalid --model '" + spec
                        + "': HIDDEN must be a positive integer number of hidden units, e.g. mlp:200");
            }
            return new Mlp(features, hidden, classes);
        }
        throw new IllegalArgumentException("invalid --model '" + spec + "': expected logreg or mlp:HIDDEN");
    }
}
