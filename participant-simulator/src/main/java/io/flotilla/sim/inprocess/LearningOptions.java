package io.flotilla.sim.inprocess;

import io.flotilla.engine.api.Extensions;
import io.flotilla.engine.api.LearningControl;
import io.flotilla.engine.spi.StoppingRule;
import io.flotilla.sim.data.DriftPlan;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The learning-control settings of a simulation (issue 7, ADR 0015), kept apart from
 * {@link SimulationConfig} so that the scenario shared with network participants does not change. Immutable.
 *
 * @param stop stopping-rule specs ({@code NAME[:k=v,...]}, e.g. {@code plateau:window=5,min=0.001})
 * @param divergence null (off) or the divergence alarm's spec (see {@link LearningControl.Divergence#parse})
 * @param driftAlarm null (off unless drift is injected) or drift alarm thresholds
 *     ({@link LearningControl.Drift#parse})
 * @param drift drift injection ({@link DriftPlan}), {@code none} for none
 * @param calibrateEvery a calibration round after every N committed rounds (0 = never)
 */
public record LearningOptions(List<String> stop, String divergence, String driftAlarm, String drift,
    int calibrateEvery) {

  public LearningOptions {
    stop = List.copyOf(stop == null ? List.of() : stop);
    drift = drift == null ? "none" : drift;
    if (calibrateEvery < 0) {
      throw new IllegalArgumentException("--calibrate-every must be >= 0, got " + calibrateEvery);
    }
    DriftPlan.parse(drift); // fail early, naming the flag
    if (divergence != null) {
      LearningControl.Divergence.parse(divergence);
    }
    if (driftAlarm != null) {
      LearningControl.Drift.parse(driftAlarm);
    }
  }

  public static LearningOptions none() {
    return new LearningOptions(List.of(), null, null, "none", 0);
  }

  /**
   * Drift indicators and alarms and the divergence alarm with the engine's defaults, no automatic reaction, no
   * drift injected, no calibration schedule, no stopping rule: watching only.
   */
  public static LearningOptions monitoring() {
    return new LearningOptions(List.of(), "on", "on", "none", 0);
  }

  public DriftPlan driftPlan() {
    return DriftPlan.parse(drift);
  }

  /** Whether drift indicators are computed (asked for, or drift injected). */
  public boolean monitorsDrift() {
    return driftAlarm != null || !driftPlan().isEmpty();
  }

  /**
   * The engine's learning control for these options.
   *
   * @throws IllegalArgumentException naming an unknown stopping rule or bad parameter
   */
  public LearningControl toControl(Extensions extensions) {
    List<StoppingRule> rules = new ArrayList<>();
    for (String s : stop) {
      rules.add(extensions.stoppingRule(s));
    }
    return new LearningControl(rules, divergence == null ? null : LearningControl.Divergence.parse(divergence),
        monitorsDrift() ? LearningControl.Drift.parse(driftAlarm) : null, calibrateEvery);
  }

  /** For the JSON report. */
  public Map<String, Object> describe() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("stop", stop);
    m.put("divergence", divergence);
    m.put("drift_alarm", driftAlarm);
    m.put("drift", drift);
    m.put("calibrate_every", calibrateEvery);
    return m;
  }

  public LearningOptions withStop(List<String> v) {
    return new LearningOptions(Objects.requireNonNull(v), divergence, driftAlarm, drift, calibrateEvery);
  }
}
