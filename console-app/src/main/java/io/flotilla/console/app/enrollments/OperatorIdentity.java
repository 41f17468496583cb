package io.flotilla.console.app.enrollments;

import io.flotilla.engine.api.Federation;
import io.flotilla.engine.security.GovernedFederation;
import io.flotilla.engine.security.Role;
import java.util.Objects;

/**
 * Who works at this console: the operator's name (the actor in the audit log) and role ({@code admin},
 * {@code operator} or {@code observer}; see {@link Role}). Immutable.
 */
public record OperatorIdentity(String name, Role role) {
  public OperatorIdentity {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(role, "role");
    if (name.isBlank()) {
      throw new IllegalArgumentException("operator name must not be blank");
    }
    if (!role.isOperator()) {
      throw new IllegalArgumentException("invalid role '" + role.label() + "': the console acts as admin, operator "
          + "or observer");
    }
  }

  /** The local demo's operator: admin, named after the user account ({@code console:USER}). */
  public static OperatorIdentity localAdmin() {
    return new OperatorIdentity("console:" + System.getProperty("user.name", "operator"), Role.ADMIN);
  }

  /**
   * Parses {@code --role} and {@code --operator}.
   *
   * @param role admin, operator or observer; null for admin
   * @param name the operator's name; null for {@code console:USER}
   * @throws IllegalArgumentException naming the bad value
   */
  public static OperatorIdentity parse(String role, String name) {
    Role r;
    try {
      r = role == null ? Role.ADMIN : Role.parse(role.isBlank() ? "?" : role);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("invalid role '" + role + "': expected admin, operator or observer");
    }
    return new OperatorIdentity(name == null ? localAdmin().name() : name.trim(), r);
  }

  /**
   * The federation as this operator may use it: every operator command role-checked, and audited in the
   * store's log when there is a trust layer; without one (the federation keeps no store) the role is
   * still checked and refusals are logged.
   *
   * @param trust the console's trust layer, or null when the federation keeps no store
   */
  public GovernedFederation govern(Federation federation, ConsoleTrust trust) {
    return trust == null ? GovernedFederation.checkOnly(federation, name, role)
        : new GovernedFederation(federation, trust.trust(), name, role);
  }

  /** The operator a governed federation acts for. */
  public static OperatorIdentity of(GovernedFederation fed) {
    return new OperatorIdentity(fed.actor(), fed.role());
  }

  /** For the status bar: "olga · observer". */
  public String describe() {
    return name + " · " + role.label();
  }
}
