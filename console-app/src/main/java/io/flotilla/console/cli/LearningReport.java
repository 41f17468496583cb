package io.flotilla.console.cli;

import io.flotilla.engine.api.FederationEvent;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Collects the learning-control events of a simulation for its console lines and the JSON report's
 * {@code alarms}, {@code drift}, {@code calibrations} and {@code tuning} sections and {@code stopped_by}.
 * Listens on the coordinator thread; read after the federation ended.
 */
final class LearningReport {
  private final PrintWriter out;
  private final boolean quiet;
  private final List<Map<String, Object>> alarms = new ArrayList<>();
  private final List<Map<String, Object>> driftRounds = new ArrayList<>();
  private final Map<String, Long> firstDriftAlarm = new TreeMap<>();
  private final List<Map<String, Object>> calibrations = new ArrayList<>();
  private final List<Map<String, Object>> tuning = new ArrayList<>();
  private String stoppedBy;

  LearningReport(PrintWriter out, boolean quiet) {
    this.out = out;
    this.quiet = quiet;
  }

  void onEvent(FederationEvent e) {
    if (e instanceof FederationEvent.DivergenceAlarm d) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("type", "divergence");
      m.put("round", d.roundId());
      m.put("kind", d.kind());
      m.put("detail", d.detail());
      m.put("values", d.values());
      m.put("reaction", d.reaction());
      alarms.add(m);
      say("divergence alarm after round %d: %s; reaction: %s", d.roundId(), d.detail(), d.reaction());
    } else if (e instanceof FederationEvent.DriftAlarm d) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("type", "drift");
      m.put("round", d.roundId());
      m.put("participant", d.participantId());
      m.put("indicator", d.indicator());
      m.put("value", d.value());
      m.put("threshold", d.threshold());
      m.put("detail", d.detail());
      alarms.add(m);
      String who = d.participantId() == null ? "federation" : d.participantId();
      firstDriftAlarm.putIfAbsent(who, d.roundId());
      say("drift alarm in round %d (%s): %s", d.roundId(), who, d.detail());
    } else if (e instanceof FederationEvent.DriftIndicators di) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("round", di.roundId());
      m.put("federation_js", di.federationJs());
      Map<String, Object> ps = new TreeMap<>();
      for (FederationEvent.ParticipantDrift p : di.participants()) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("js", p.labelJs());
        v.put("loss_trend", p.lossTrend());
        v.put("norm_trend", p.normTrend());
        v.put("cosine", p.cosine());
        v.put("alarm", p.alarm());
        ps.put(p.participantId(), v);
      }
      m.put("participants", ps);
      driftRounds.add(m);
    } else if (e instanceof FederationEvent.CalibrationCompleted c) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("calibration", c.calibrationId());
      m.put("model_version", c.modelVersion());
      m.put("answered", c.answered().size());
      m.put("unsupported", c.unsupported());
      m.put("evaluation", c.evaluation());
      m.put("feature_mean", c.featureMean());
      m.put("feature_variance", c.featureVariance());
      m.put("reweighting", c.reweighting());
      calibrations.add(m);
      double acc = c.evaluation().values().stream().mapToDouble(v -> v.getOrDefault("accuracy", Double.NaN))
          .average().orElse(Double.NaN);
      say("calibration %d on model version %d: %d participants answered, mean local accuracy %.4f, %d features "
          + "normalized", c.calibrationId(), c.modelVersion(), c.answered().size(), acc, c.featureMean().length);
    } else if (e instanceof FederationEvent.ConfigChanged c) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("from_round", c.effectiveFromRound());
      m.put("old", c.oldValues());
      m.put("new", c.newValues());
      m.put("actor", c.actor());
      m.put("reason", c.reason());
      tuning.add(m);
      say("tuning by %s from round %d: %s -> %s", c.actor(), c.effectiveFromRound(), c.oldValues(), c.newValues());
    } else if (e instanceof FederationEvent.StoppingRuleFired s) {
      stoppedBy = s.rule() + ": " + s.reason();
      say("stopping after round %d: %s", s.roundId(), stoppedBy);
    }
  }

  private void say(String fmt, Object... args) {
    if (!quiet) {
      out.printf(Locale.ROOT, fmt + "%n", args);
      out.flush();
    }
  }

  String stoppedBy() {
    return stoppedBy;
  }

  /** The report sections (a new map each call). */
  Map<String, Object> sections() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("alarms", alarms);
    Map<String, Object> drift = new LinkedHashMap<>();
    drift.put("first_alarm_round", firstDriftAlarm);
    drift.put("rounds", driftRounds);
    m.put("drift", drift);
    m.put("calibrations", calibrations);
    m.put("tuning", tuning);
    return m;
  }
}
