package io.flotilla.sim.participant;

/**
 * A trainer that trains nothing and answers a zero update at once: isolates the protocol's own cost in
 * benchmarks ({@code --model noop:N}). Stateless and thread-safe.
 */
public final class NoOpTrainer implements Trainer {
  private final Profile profile;

  public NoOpTrainer(String deviceClass, long sampleCount) {
    this.profile = new Profile(deviceClass, sampleCount, new long[0]);
  }

  @Override
  public Profile profile() {
    return profile;
  }

  @Override
  public Result train(Task task) {
    return Result.of(new float[task.parameters().length], profile.sampleCount(), task.localEpochs(),
        task.localEpochs(), java.util.Map.of(), 0);
  }
}
