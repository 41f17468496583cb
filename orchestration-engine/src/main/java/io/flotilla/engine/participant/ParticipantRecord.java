package io.flotilla.engine.participant;

import io.flotilla.engine.api.FederationSnapshot.ParticipantSnapshot;
import io.flotilla.engine.api.Health;
import io.flotilla.engine.api.ParticipantInfo;
import io.flotilla.engine.api.ParticipantLink;
import io.flotilla.engine.api.TrustPolicy;
import io.flotilla.engine.spi.SelectionPolicy.Candidate;

/**
 * The coordinator's record of one participant: its declared info, its standing, its history, its last
 * heartbeat, the loss of its last accepted update and its trust score (which falls with each update
 * rejected as suspicious, see {@link TrustPolicy}). Confined to the coordinator thread.
 */
public final class ParticipantRecord {
  private ParticipantInfo info;
  private ParticipantLink link;
  private ParticipantState state = ParticipantState.ACTIVE;
  private long roundsSelected;
  private long updatesAccepted;
  private long failures;
  private double trust = 1.0;
  private int strikes;
  private double recentLoss = Double.NaN;
  private Health health;

  public ParticipantRecord(ParticipantInfo info, ParticipantLink link) {
    this.info = info;
    this.link = link;
  }

  /** A participant as the store remembered it after a restart (its link is bound when it rejoins). */
  public static ParticipantRecord restored(ParticipantInfo info, ParticipantState state, long roundsSelected,
      long updatesAccepted, long failures) {
    ParticipantRecord r = new ParticipantRecord(info, null);
    r.state = state;
    r.roundsSelected = roundsSelected;
    r.updatesAccepted = updatesAccepted;
    r.failures = failures;
    return r;
  }

  public String id() { return info.id(); }
  public ParticipantInfo info() { return info; }
  public ParticipantLink link() { return link; }
  /** Whether the participant can be reached (false for a restored record until it rejoins). */
  public boolean connected() { return link != null; }
  public ParticipantState state() { return state; }
  public double trust() { return trust; }
  public int strikes() { return strikes; }
  public Health health() { return health; }

  /** A rejoin: new link and declared info, same history. */
  public void rebind(ParticipantInfo newInfo, ParticipantLink newLink) {
    this.info = newInfo;
    this.link = newLink;
  }

  public void moveTo(ParticipantState target) {
    if (target == state) {
      return;
    }
    if (!state.next().contains(target)) {
      throw new IllegalStateException("participant " + id() + ": illegal transition " + state + " -> " + target);
    }
    state = target;
  }

  public void selected() { roundsSelected++; }
  public void accepted() { updatesAccepted++; }
  public void failed() { failures++; }

  /** An accepted update: trust recovers by the policy's step; its training loss becomes the recent loss. */
  public void accepted(double loss, TrustPolicy policy) {
    updatesAccepted++;
    trust = Math.min(1.0, trust + policy.recovery());
    if (Double.isFinite(loss)) {
      recentLoss = loss;
    }
  }

  /**
   * An update rejected as suspicious: trust falls and a strike counts.
   *
   * @return true when the policy now suspends the participant
   */
  public boolean suspicious(TrustPolicy policy) {
    failures++;
    strikes++;
    trust = trust * (1 - policy.penalty());
    return policy.suspendAfter() > 0 && strikes >= policy.suspendAfter();
  }

  /** Puts back the trust score and strike count the store remembered (after a restart). */
  public void restoreTrust(double savedTrust, int savedStrikes) {
    this.trust = savedTrust;
    this.strikes = savedStrikes;
  }

  public void health(Health h) {
    this.health = h;
  }

  public Candidate candidate() {
    return new Candidate(info.id(), info.deviceClass(), info.sampleCount(), info.labelHistogram(),
        roundsSelected, updatesAccepted, recentLoss, health, trust);
  }

  public ParticipantSnapshot snapshot() {
    return new ParticipantSnapshot(info.id(), info.deviceClass(), state.name(), roundsSelected, updatesAccepted,
        failures, trust, strikes);
  }
}
