package io.flotilla.engine.api;

/**
 * Life cycle of a federation.
 *
 * <pre>
 * CREATED ──start──► RUNNING ──pause──► PAUSED ──resume──► RUNNING
 *                       │  └──(all rounds / stop rule)──► FINISHED
 *                       └──stop──► STOPPED        (any) ──fatal──► FAILED
 * </pre>
 */
public enum FederationState {
  CREATED,
  RUNNING,
  PAUSED,
  STOPPED,
  FINISHED,
  FAILED;

  public boolean isTerminal() {
    return this == STOPPED || this == FINISHED || this == FAILED;
  }
}
