package io.flotilla.engine.model;

import java.io.IOException;

/**
 * A safetensors file (or a model blob) that cannot be accepted: truncated, a header that lies about its
 * offsets, an unsupported dtype, a shape that does not fit, a hash that does not match. The message names
 * the file and the offending tensor or field. Nothing is changed when it is thrown.
 */
public final class SafetensorsException extends IOException {
  private static final long serialVersionUID = 1L;

  public SafetensorsException(String message) {
    super(message);
  }

  public SafetensorsException(String message, Throwable cause) {
    super(message, cause);
  }
}
