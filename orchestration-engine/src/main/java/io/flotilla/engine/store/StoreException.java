package io.flotilla.engine.store;

/**
 * The store could not do what was asked (I/O failure, a corrupt blob, a version that does not exist, a
 * state directory already in use). The message says what and where; the store's committed state is
 * unchanged when it is thrown.
 */
public final class StoreException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public StoreException(String message) {
    super(message);
  }

  public StoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
