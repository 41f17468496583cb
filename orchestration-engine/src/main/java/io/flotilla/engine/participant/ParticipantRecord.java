package io.flotilla.engine.participant;

import io.flotilla.engine.api.FederationSnapshot.ParticipantSnapshot;
import io.flotilla.engine.api.ParticipantInfo;
import io.flotilla.engine.api.ParticipantLink;
import io.flotilla.engine.spi.SelectionPolicy.Candidate;

/** The coordinator's record of one participant. Confined to the coordinator thread. */
public final class ParticipantRecord {
  private ParticipantInfo info;
  private ParticipantLink link;
  private ParticipantState state = ParticipantState.ACTIVE;
  private long roundsSelected;
  private long updatesAccepted;
  private long failures;

  public ParticipantRecord(ParticipantInfo info, ParticipantLink link) {
    this.info = info;
    this.link = link;
  }

  public String id() { return info.id(); }
  public ParticipantInfo info() { return info; }
  public ParticipantLink link() { return link; }
  public ParticipantState state() { return state; }

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

  public Candidate candidate() {
    return new Candidate(info.id(), info.deviceClass(), info.sampleCount(), info.labelHistogram(),
        roundsSelected, updatesAccepted);
  }

  public ParticipantSnapshot snapshot() {
    return new ParticipantSnapshot(info.id(), info.deviceClass(), state.name(), roundsSelected, updatesAccepted,
        failures);
  }
}
