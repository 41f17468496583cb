package io.flotilla.engine.api;

/** Handle to an event subscription; {@link #close()} is idempotent. */
public interface Subscription extends AutoCloseable {
  @Override
  void close();
}
