package io.flotilla.engine.api;

import java.time.Duration;
import java.util.Objects;

/**
 * Static settings of a federation's round schedule and of the local training it asks for. Immutable; use
 * {@link #builder()}.
 *
 * @param rounds number of rounds to commit before the federation finishes
 * @param perRound how many participants to select each round (capped by the number available)
 * @param minUpdates quorum: the fewest accepted updates a round needs to commit
 * @param roundDeadline how long a round collects before it closes with what it has
 * @param roundInterval pause between a commit and the next round (0 for as fast as possible)
 * @param maxConsecutiveAborts the federation fails after this many aborted rounds in a row
 */
public record FederationConfig(
    String name,
    int rounds,
    int perRound,
    int minUpdates,
    Duration roundDeadline,
    Duration roundInterval,
    int localEpochs,
    int batchSize,
    float learningRate,
    long seed,
    int maxConsecutiveAborts) {

  public FederationConfig {
    Objects.requireNonNull(name, "name");
    requirePositive("rounds", rounds);
    requirePositive("perRound", perRound);
    requirePositive("minUpdates", minUpdates);
    requirePositive("localEpochs", localEpochs);
    requirePositive("batchSize", batchSize);
    requirePositive("maxConsecutiveAborts", maxConsecutiveAborts);
    if (minUpdates > perRound) {
      throw new IllegalArgumentException(
          "minUpdates (" + minUpdates + ") must not exceed perRound (" + perRound + ")");
    }
    if (!(learningRate > 0) || !Float.isFinite(learningRate)) {
      throw new IllegalArgumentException("learningRate must be a positive finite number, was " + learningRate);
    }
    Objects.requireNonNull(roundDeadline, "roundDeadline");
    Objects.requireNonNull(roundInterval, "roundInterval");
    if (roundDeadline.isNegative() || roundDeadline.isZero()) {
      throw new IllegalArgumentException("roundDeadline must be positive");
    }
    if (roundInterval.isNegative()) {
      throw new IllegalArgumentException("roundInterval must not be negative");
    }
  }

  private static void requirePositive(String what, long v) {
    if (v <= 0) {
      throw new IllegalArgumentException(what + " must be positive, was " + v);
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    return new Builder()
        .name(name).rounds(rounds).perRound(perRound).minUpdates(minUpdates)
        .roundDeadline(roundDeadline).roundInterval(roundInterval).localEpochs(localEpochs)
        .batchSize(batchSize).learningRate(learningRate).seed(seed).maxConsecutiveAborts(maxConsecutiveAborts);
  }

  /** Mutable builder with sensible defaults. Not thread-safe. */
  public static final class Builder {
    private String name = "federation";
    private int rounds = 10;
    private int perRound = 10;
    private int minUpdates = 1;
    private Duration roundDeadline = Duration.ofMinutes(5);
    private Duration roundInterval = Duration.ZERO;
    private int localEpochs = 1;
    private int batchSize = 32;
    private float learningRate = 0.05f;
    private long seed = 1;
    private int maxConsecutiveAborts = 5;

    public Builder name(String v) { name = v; return this; }
    public Builder rounds(int v) { rounds = v; return this; }
    public Builder perRound(int v) { perRound = v; return this; }
    public Builder minUpdates(int v) { minUpdates = v; return this; }
    public Builder roundDeadline(Duration v) { roundDeadline = v; return this; }
    public Builder roundInterval(Duration v) { roundInterval = v; return this; }
    public Builder localEpochs(int v) { localEpochs = v; return this; }
    public Builder batchSize(int v) { batchSize = v; return this; }
    public Builder learningRate(float v) { learningRate = v; return this; }
    public Builder seed(long v) { seed = v; return this; }
    public Builder maxConsecutiveAborts(int v) { maxConsecutiveAborts = v; return this; }

    public FederationConfig build() {
      return new FederationConfig(name, rounds, perRound, minUpdates, roundDeadline, roundInterval,
          localEpochs, batchSize, learningRate, seed, maxConsecutiveAborts);
    }
  }
}
