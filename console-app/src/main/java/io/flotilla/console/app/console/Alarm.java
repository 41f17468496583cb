package io.flotilla.console.app.console;

import java.time.Instant;
import java.util.Objects;

/**
 * Something the operator should know about at once: an aborted round, a suspended participant, a failed
 * federation. Shown as a notification and listed on the Overview. Immutable.
 *
 * @param participantId the participant concerned, or null
 * @param roundId the round concerned, or 0
 */
public record Alarm(Instant time, Severity severity, String title, String text, String participantId, long roundId) {
  /** How bad it is; picks the notification's style. */
  public enum Severity { WARNING, ERROR }

  public Alarm {
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(severity, "severity");
    Objects.requireNonNull(title, "title");
    text = text == null ? "" : text;
  }
}
