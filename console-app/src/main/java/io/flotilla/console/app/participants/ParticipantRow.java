package io.flotilla.console.app.participants;

import io.flotilla.console.app.console.NotificationGate;
import io.flotilla.console.app.format.Units;
import java.time.Instant;
import java.util.Locale;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyDoubleProperty;
import javafx.beans.property.ReadOnlyDoubleWrapper;
import javafx.beans.property.ReadOnlyIntegerProperty;
import javafx.beans.property.ReadOnlyIntegerWrapper;
import javafx.beans.property.ReadOnlyLongProperty;
import javafx.beans.property.ReadOnlyLongWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;

/**
 * One participant in the Participants table. Its properties change in place (from events and from the
 * coordinator's periodic snapshots), so the table repaints single cells. Unknown numbers are -1 (counts) or
 * NaN (rates, trust).
 *
 * <p>Thread-safety: confined to the UI thread, like the {@link ParticipantsViewModel} that owns it.
 */
public final class ParticipantRow {
  /** How healthy a participant looks, for the row's colour. */
  public enum Health {
    GOOD, WARN, BAD;

    /** CSS class: {@code health-warn}. */
    public String styleClass() {
      return "health-" + name().toLowerCase(Locale.ROOT);
    }
  }

  private final String id;
  private final ReadOnlyStringWrapper deviceClass;
  private final ReadOnlyStringWrapper state;
  private final ReadOnlyLongWrapper samples;
  private final ReadOnlyLongWrapper selected;
  private final ReadOnlyLongWrapper accepted;
  private final ReadOnlyLongWrapper failures;
  private final ReadOnlyLongWrapper refused;
  private final ReadOnlyDoubleWrapper successRate;
  private final ReadOnlyDoubleWrapper trust;
  private final ReadOnlyIntegerWrapper strikes;
  private final ReadOnlyObjectWrapper<Instant> lastAnswer;
  private final ReadOnlyStringWrapper lastAnswerText;
  private final ReadOnlyStringWrapper lastNote;
  private final ReadOnlyDoubleWrapper latency;
  private double latencySum;
  private long latencyCount;
  private final ReadOnlyObjectWrapper<Health> health;
  // telemetry from heartbeats (ParticipantHeartbeat)
  private final ReadOnlyObjectWrapper<Instant> lastHeartbeat;
  private final ReadOnlyStringWrapper lastHeartbeatText;
  private final ReadOnlyObjectWrapper<Health> heartbeatHealth;
  private final ReadOnlyDoubleWrapper cpuLoad;
  private final ReadOnlyDoubleWrapper battery;
  private final ReadOnlyLongWrapper freeMemory;
  // drift indicators of its last contributed round (DriftIndicators)
  private final ReadOnlyDoubleWrapper drift;
  private final ReadOnlyBooleanWrapper drifting;
  private final ReadOnlyStringWrapper driftText;
  private boolean onMains;
  private boolean charging;
  private long heartbeatIntervalMs = -1;
  private String activity = "";
  private boolean stale;

  /** Battery below this (and not charging) needs attention. */
  public static final double LOW_BATTERY = 0.15;
  /** CPU load above this needs attention. */
  public static final double HIGH_LOAD = 0.9;
  /** A heartbeat older than this many intervals is stale. */
  public static final int STALE_INTERVALS = 3;

  ParticipantRow(String id) {
    this(id, new NotificationGate());
  }

  /**
   * @param gate holds the change notifications of this row's properties while the table that shows it is
   *     hidden (shared by all rows of a view model)
   */
  ParticipantRow(String id, NotificationGate gate) {
    this.id = id;
    deviceClass = gate.string("unknown");
    state = gate.string("ACTIVE");
    samples = gate.longValue(-1);
    selected = gate.longValue(0);
    accepted = gate.longValue(0);
    failures = gate.longValue(0);
    refused = gate.longValue(0);
    successRate = gate.doubleValue(Double.NaN);
    trust = gate.doubleValue(Double.NaN);
    strikes = gate.integer(0);
    lastAnswer = gate.object(null);
    lastAnswerText = gate.string(Units.NONE);
    lastNote = gate.string("");
    latency = gate.doubleValue(Double.NaN);
    health = gate.object(Health.GOOD);
    lastHeartbeat = gate.object(null);
    lastHeartbeatText = gate.string(Units.NONE);
    heartbeatHealth = gate.object(Health.GOOD);
    cpuLoad = gate.doubleValue(Double.NaN);
    battery = gate.doubleValue(Double.NaN);
    freeMemory = gate.longValue(-1);
    drift = gate.doubleValue(Double.NaN);
    drifting = gate.bool(false);
    driftText = gate.string("no drift indicators yet");
  }

  public String id() {
    return id;
  }

  public ReadOnlyStringProperty deviceClassProperty() {
    return deviceClass.getReadOnlyProperty();
  }

  /** ACTIVE, IDLE, SUSPENDED, REVOKED (the engine's names). */
  public ReadOnlyStringProperty stateProperty() {
    return state.getReadOnlyProperty();
  }

  public String state() {
    return state.get();
  }

  /** Local training samples it declared when it joined, or -1. */
  public ReadOnlyLongProperty samplesProperty() {
    return samples.getReadOnlyProperty();
  }

  /** Rounds it was selected for. */
  public ReadOnlyLongProperty selectedProperty() {
    return selected.getReadOnlyProperty();
  }

  public ReadOnlyLongProperty acceptedProperty() {
    return accepted.getReadOnlyProperty();
  }

  /** Rounds it did not deliver (dropped out, timed out). */
  public ReadOnlyLongProperty failuresProperty() {
    return failures.getReadOnlyProperty();
  }

  /** Updates refused (validation, lateness) since the console attached. */
  public ReadOnlyLongProperty refusedProperty() {
    return refused.getReadOnlyProperty();
  }

  /** Accepted updates per round selected, NaN before its first selection. */
  public ReadOnlyDoubleProperty successRateProperty() {
    return successRate.getReadOnlyProperty();
  }

  /** Trust score in [0, 1] from the coordinator's trust policy. */
  public ReadOnlyDoubleProperty trustProperty() {
    return trust.getReadOnlyProperty();
  }

  /** Updates rejected as suspicious. */
  public ReadOnlyIntegerProperty strikesProperty() {
    return strikes.getReadOnlyProperty();
  }

  /** When it last answered (an update or a failure), or null. */
  public ReadOnlyObjectProperty<Instant> lastAnswerProperty() {
    return lastAnswer.getReadOnlyProperty();
  }

  /** "12 s ago". */
  public ReadOnlyStringProperty lastAnswerTextProperty() {
    return lastAnswerText.getReadOnlyProperty();
  }

  /** Its last outcome in words: "accepted (round 12)", "rejected: SUSPICIOUS_NORM …". */
  public ReadOnlyStringProperty lastNoteProperty() {
    return lastNote.getReadOnlyProperty();
  }

  /**
   * Its last response time in milliseconds: from the start of a round it was selected for to the
   * coordinator's verdict on its update (both times are the coordinator's), NaN before its first answer.
   */
  public ReadOnlyDoubleProperty latencyProperty() {
    return latency.getReadOnlyProperty();
  }

  /** Mean of its response times so far (milliseconds), NaN before its first answer. */
  public double meanLatencyMillis() {
    return latencyCount == 0 ? Double.NaN : latencySum / latencyCount;
  }

  public ReadOnlyObjectProperty<Health> healthProperty() {
    return health.getReadOnlyProperty();
  }

  /** When its last heartbeat arrived (coordinator clock), or null before the first. */
  public ReadOnlyObjectProperty<Instant> lastHeartbeatProperty() {
    return lastHeartbeat.getReadOnlyProperty();
  }

  /** "2 s ago", refreshed once a second. */
  public ReadOnlyStringProperty lastHeartbeatTextProperty() {
    return lastHeartbeatText.getReadOnlyProperty();
  }

  /**
   * How its telemetry looks: BAD when, while the federation runs, the last heartbeat is older than
   * {@value #STALE_INTERVALS} heartbeat intervals (the expected one or the last gap seen, whichever is longer), WARN for a low battery (not charging) or a high CPU load, else GOOD.
   */
  public ReadOnlyObjectProperty<Health> heartbeatHealthProperty() {
    return heartbeatHealth.getReadOnlyProperty();
  }

  /** CPU load in [0, 1] from its last heartbeat, NaN before one. */
  public ReadOnlyDoubleProperty cpuLoadProperty() {
    return cpuLoad.getReadOnlyProperty();
  }

  /** Battery in [0, 1], NaN on mains power or before a heartbeat (see {@link #onMains()}). */
  public ReadOnlyDoubleProperty batteryProperty() {
    return battery.getReadOnlyProperty();
  }

  /** Free memory in bytes from its last heartbeat, -1 when unknown. */
  public ReadOnlyLongProperty freeMemoryProperty() {
    return freeMemory.getReadOnlyProperty();
  }

  /**
   * Its drift indicator: the Jensen–Shannon divergence (bits) between its label histogram and the
   * federation's, in the last round it contributed to; NaN before the first (or when the federation does
   * not monitor drift).
   */
  public ReadOnlyDoubleProperty driftProperty() {
    return drift.getReadOnlyProperty();
  }

  /**
   * True when the drift monitor flagged it in the last round it contributed to (its label histogram moved
   * away from its baseline, or its local loss or update norm rose above their running averages).
   */
  public ReadOnlyBooleanProperty driftingProperty() {
    return drifting.getReadOnlyProperty();
  }

  /** "label JS 0.081 bits · loss trend +12 % · norm trend +3 % (round 17), drifting". */
  public ReadOnlyStringProperty driftTextProperty() {
    return driftText.getReadOnlyProperty();
  }

  /** True when its last heartbeat said it has no battery (mains power). */
  public boolean onMains() {
    return onMains;
  }

  public boolean charging() {
    return charging;
  }

  /** What its last heartbeat said it was doing: "train (round 7)", "idle", or empty before one. */
  public String activity() {
    return activity;
  }

  /** The interval between its last two heartbeats (ms), -1 before the second. */
  public long heartbeatIntervalMillis() {
    return heartbeatIntervalMs;
  }

  // ------------------------------------------------------------------ updates (view model only)

  void heartbeat(Instant at, io.flotilla.engine.api.Health h, long round, String phase, Instant now,
      long defaultIntervalMs, boolean running) {
    Instant previous = lastHeartbeat.get();
    if (previous != null && at.isAfter(previous)) {
      heartbeatIntervalMs = at.toEpochMilli() - previous.toEpochMilli();
    }
    lastHeartbeat.set(at);
    cpuLoad.set(h.cpuLoad());
    onMains = h.battery() == null;
    charging = h.charging();
    battery.set(onMains ? Double.NaN : h.battery());
    freeMemory.set(h.freeMemoryBytes());
    activity = phase == null ? "" : round > 0 ? phase + " (round " + round + ")" : phase;
    clock(now, defaultIntervalMs, running);
  }

  void drift(long round, double labelJs, double lossTrend, double normTrend, boolean alarm) {
    drifting.set(alarm); // before the value: a cell repainted for the value reads the flag
    drift.set(labelJs);
    // a thousand rows a round: concatenation, not a Formatter per row
    driftText.set("label JS " + (Double.isFinite(labelJs) ? Units.fixed(labelJs, 3) : Units.NONE)
        + " bits · loss trend " + trend(lossTrend) + " · norm trend " + trend(normTrend) + " (round " + round + ")"
        + (alarm ? ", drifting" : ""));
    health.set(healthOf());
  }

  private static String trend(double t) {
    return Double.isFinite(t) ? Units.signedFixed(100 * t, 0) + " %" : Units.NONE;
  }

  void joined(String device, long sampleCount) {
    deviceClass.set(device == null ? "unknown" : device);
    samples.set(sampleCount);
  }

  void counts(String st, String device, long sel, long acc, long fail, double tr, int str) {
    state.set(st);
    if (device != null) {
      deviceClass.set(device);
    }
    selected.set(sel);
    accepted.set(acc);
    failures.set(fail);
    trust.set(tr);
    strikes.set(str);
    rates();
  }

  void selectedOnce() {
    selected.set(selected.get() + 1);
    rates();
  }

  void acceptedOnce(Instant at, long round, boolean partial) {
    accepted.set(accepted.get() + 1);
    answered(at, (partial ? "accepted partial work" : "accepted") + " (round " + round + ")");
  }

  void failedOnce(Instant at, long round, String reason) {
    failures.set(failures.get() + 1);
    answered(at, "failed in round " + round + ": " + reason);
  }

  void refusedOnce(Instant at, long round, String reason) {
    refused.set(refused.get() + 1);
    answered(at, "refused in round " + round + ": " + reason);
  }

  void suspended(int str, double tr, String reason) {
    state.set("SUSPENDED");
    strikes.set(str);
    trust.set(tr);
    lastNote.set("suspended: " + reason);
    rates();
  }

  private void answered(Instant at, String note) {
    lastAnswer.set(at);
    lastNote.set(note);
    rates();
  }

  void responded(double millis) {
    latency.set(millis);
    latencySum += millis;
    latencyCount++;
  }

  /**
   * @param defaultIntervalMs the interval heartbeats are expected at; the row's own last gap counts if longer
   * @param running only a running federation's heartbeats can go stale
   */
  void clock(Instant now, long defaultIntervalMs, boolean running) {
    Instant t = lastAnswer.get();
    lastAnswerText.set(t == null ? Units.NONE : Units.ago(t, now));
    Instant hb = lastHeartbeat.get();
    lastHeartbeatText.set(hb == null ? Units.NONE : Units.ago(hb, now));
    long interval = Math.max(1_000, heartbeatIntervalMs > 0 ? Math.max(heartbeatIntervalMs, defaultIntervalMs)
        : defaultIntervalMs);
    stale = running && hb != null && now.toEpochMilli() - hb.toEpochMilli() > STALE_INTERVALS * interval;
    Health telemetry = hb == null ? Health.GOOD : stale ? Health.BAD
        : (!onMains && !charging && battery.get() < LOW_BATTERY) || cpuLoad.get() > HIGH_LOAD ? Health.WARN
        : Health.GOOD;
    heartbeatHealth.set(telemetry);
    health.set(healthOf());
  }

  /** True when its last heartbeat is older than {@value #STALE_INTERVALS} intervals (at the last tick). */
  public boolean stale() {
    return stale;
  }

  private void rates() {
    long sel = selected.get();
    successRate.set(sel > 0 ? Math.min(1.0, accepted.get() / (double) sel) : Double.NaN);
    health.set(healthOf());
  }

  private Health healthOf() {
    String st = state.get();
    if ("SUSPENDED".equals(st) || "REVOKED".equals(st) || (Double.isFinite(trust.get()) && trust.get() < 0.5)) {
      return Health.BAD;
    }
    double rate = successRate.get();
    if (strikes.get() > 0 || refused.get() > 0 || (selected.get() >= 3 && Double.isFinite(rate) && rate < 0.8)
        || drifting.get()) {
      return heartbeatHealth.get() == Health.BAD ? Health.BAD : Health.WARN;
    }
    return heartbeatHealth.get(); // a stale heartbeat, low battery or high load
  }

  @Override
  public String toString() {
    return "ParticipantRow[" + id + ", " + state.get() + "]";
  }
}
