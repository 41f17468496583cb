package io.flotilla.sim.learn;

/**
 * Outcome of {@link Model#train}.
 *
 * <p>{@code meanLoss} is the mean cross-entropy (without regularisers) over the samples of the last
 * completed epoch, each measured on its mini-batch before that batch's step. It is {@code NaN} when no
 * sample was processed (zero epochs or empty data) or when training diverged: as soon as a batch loss is
 * not finite, training stops and returns the parameters as they were before that batch, with
 * {@code epochsCompleted} the number of whole epochs done; a non-finite value in the final parameters also
 * yields {@code NaN}. Callers should reject such an update.
 *
 * <p>Immutable by convention: {@code params} is a fresh array owned by the caller.
 *
 * @param params the trained parameters, in {@link Model#tensors()} layout
 * @param meanLoss mean training cross-entropy of the last epoch, or {@code NaN} as described
 * @param epochsCompleted whole epochs completed
 */
public record TrainResult(float[] params, double meanLoss, int epochsCompleted) {

    /** Whether training stopped early on a non-finite loss or produced non-finite parameters. */
    public boolean diverged(TrainConfig cfg) {
        return Double.isNaN(meanLoss) && (epochsCompleted < cfg.epochs() || !allFinite(params));
    }

    private static boolean allFinite(float[] a) {
        for (float v : a) {
            if (!Float.isFinite(v)) {
                return false;
            }
        }
        return true;
    }
}
