package io.flotilla.console.app.tuning;

import java.util.Map;

/**
 * What an A/B experiment asks of the console's federation before and after it runs (ADR 0017): the operator's
 * role check for starting one (the {@code TUNE} right, as for tuning, audited allowed or denied when the
 * federation keeps a store) and entries in the federation's audit log for the start and the verdict. The
 * console wires it to the governed facade and trust layer; the tuning page never touches those itself.
 * Implementations are thread-safe and may block on the store: call them off the UI thread.
 */
public interface AbGate {
  /**
   * Checks that the operator may start the experiment described by {@code subject}.
   *
   * @throws RuntimeException naming the operator, role and refused action
   */
  void authorizeStart(String subject);

  /**
   * Appends {@code action} ({@code experiment.started}, {@code experiment.verdict}) to the audit log.
   *
   * @return false when the federation keeps no audit log (the entry is only logged)
   */
  boolean record(String action, String subject, Map<String, Object> detail);

  /** Allows everything and records nothing (tests, and a federation that is still loading). */
  AbGate OPEN = new AbGate() {
    @Override
    public void authorizeStart(String subject) {}

    @Override
    public boolean record(String action, String subject, Map<String, Object> detail) {
      return false;
    }
  };
}
