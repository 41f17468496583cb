package io.flotilla.console.app.enrollments;

import io.flotilla.console.app.tuning.AbGate;
import io.flotilla.engine.security.GovernedFederation;
import io.flotilla.engine.security.Role;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The console operator's gate for experiments the federation's facade has no command for (an A/B run beside
 * the federation, ADR 0017): starting one needs the {@code TUNE} right, checked (and audited allowed or
 * denied) by the governed facade, and the start and the verdict are appended to the federation's
 * hash-chained audit log through the trust layer, as its other operator decisions are. Without a store
 * (no trust layer) the role is still checked and the entries are only logged. Thread-safe; blocks on the
 * store.
 */
public final class ExperimentAudit implements AbGate {
  private static final Logger log = LoggerFactory.getLogger(ExperimentAudit.class);

  private final GovernedFederation federation;
  private final ConsoleTrust trust;
  private final Clock clock;

  /** @param trust the console's trust layer, or null when the federation keeps no store */
  public ExperimentAudit(GovernedFederation federation, ConsoleTrust trust, Clock clock) {
    this.federation = Objects.requireNonNull(federation, "federation");
    this.trust = trust;
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  @Override
  public void authorizeStart(String subject) {
    federation.authorize(Role.Action.TUNE, subject);
  }

  @Override
  public boolean record(String action, String subject, Map<String, Object> detail) {
    if (trust == null) {
      log.info("{} by '{}' (no store, not audited): {} {}", action, federation.actor(), subject, detail);
      return false;
    }
    trust.trust().store().audit(clock.instant(), federation.actor(), action, subject, detail);
    return true;
  }
}
