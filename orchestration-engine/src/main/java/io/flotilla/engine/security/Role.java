package io.flotilla.engine.security;

import java.util.Locale;
import java.util.Set;

/**
 * Who a certificate speaks for. The role is written into the certificate subject (OU) when the CA issues
 * it and read back on every call. Participants train; operators act on the federation with the rights of
 * their role: observers watch; operators run the federation (approve enrollments, start/pause/resume/stop,
 * tune, calibrate, roll back, suspend/reinstate); admins may do everything, including revoking identities,
 * issuing tokens and setting the governance policy. Immutable.
 */
public enum Role {
  PARTICIPANT(Set.of()),
  OBSERVER(Set.of(Action.VIEW)),
  OPERATOR(Set.of(Action.VIEW, Action.APPROVE_ENROLLMENT, Action.TUNE, Action.CALIBRATE, Action.CONTROL,
      Action.ROLLBACK, Action.SUSPEND)),
  ADMIN(Set.of(Action.values()));

  /**
   * What an operator can do; every console/CLI action maps to one. CONTROL is start/pause/resume/stop;
   * CALIBRATE runs a calibration round (evaluation and statistics only, no training); SUSPEND covers
   * reinstating too; REVOKE also covers recording a participant's consent withdrawal on its behalf (both bar
   * it for good).
   */
  public enum Action {
    VIEW, APPROVE_ENROLLMENT, TUNE, CALIBRATE, CONTROL, ROLLBACK, SUSPEND, REVOKE, ISSUE_TOKEN, SET_POLICY
  }

  private final Set<Action> allowed;

  Role(Set<Action> allowed) {
    this.allowed = allowed;
  }

  public boolean allows(Action a) {
    return allowed.contains(a);
  }

  public boolean isOperator() {
    return this != PARTICIPANT;
  }

  /** The lower-case name used in certificates, tokens and on the command line. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses participant, observer, operator or admin. */
  public static Role parse(String text) {
    String t = text == null ? "" : text.trim().toUpperCase(Locale.ROOT);
    try {
      return Role.valueOf(t.isEmpty() ? "PARTICIPANT" : t);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("invalid role '" + text + "': expected participant, observer, operator or admin");
    }
  }
}
