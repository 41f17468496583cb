package io.flotilla.engine.converge;

import io.flotilla.engine.api.FederationEvent.ParticipantDrift;
import io.flotilla.engine.api.LearningControl;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Drift indicators per participant and round, computed without raw data (ADR 0015): the Jensen–Shannon
 * divergence of the label histogram the participant's update carries against the federation's histogram,
 * the relative trends of its local training loss and of its update's norm against their own running averages
 * (EWMA, weight 1/2; a covariate shift changes gradient magnitudes even when the loss does not move), and the
 * cosine of its update to the last aggregate step. A participant alarms when its JS divergence moves away from
 * its first observed value by more than {@code jsRise} bits (either way: its labels changed), or its loss or
 * norm trend exceeds {@code lossRise} or {@code normRise}; the alarm is
 * raised once when it starts (the per-round indicators keep saying "alarmed" while it lasts). The federation
 * alarms when at least {@code federationFraction} of a round's contributors alarm. Confined to the
 * coordinator thread.
 */
public final class DriftMonitor {
  private final LearningControl.Drift config;
  private final Map<String, State> states = new HashMap<>();
  private boolean federationAlarmed;

  /** One contributor's inputs in one round. */
  public record Observation(String participantId, long[] labelHistogram, double loss, double norm, double cosine) {}

  /** An alarm; {@code participantId} null for the whole federation. */
  public record Alarm(String participantId, String indicator, double value, double threshold, String detail) {}

  /** The round's indicators and the alarms that started in it. */
  public record Result(List<ParticipantDrift> indicators, List<Alarm> alarms, double federationJs) {}

  private static final class State {
    double baselineJs = Double.NaN;
    double lossEwma = Double.NaN;
    double normEwma = Double.NaN;
    boolean alarmed;
  }

  public DriftMonitor(LearningControl.Drift config) {
    this.config = config;
  }

  /**
   * Forgets the running averages of local loss and update norm (not the label baselines): after a
   * calibration publishes a new feature normalization every participant's loss and update scale change at
   * once, which is the operator's doing, not drift.
   */
  public void rebase() {
    for (State s : states.values()) {
      s.lossEwma = Double.NaN;
      s.normEwma = Double.NaN;
      s.alarmed = false;
    }
    federationAlarmed = false;
  }

  /** Computes one round's indicators; {@code federation} is the federation's label histogram. */
  public Result observe(long[] federation, List<Observation> round) {
    List<ParticipantDrift> out = new ArrayList<>();
    List<Alarm> alarms = new ArrayList<>();
    long[] pooled = new long[federation.length];
    int alarmedNow = 0;
    for (Observation o : round) {
      State s = states.computeIfAbsent(o.participantId(), k -> new State());
      long[] h = o.labelHistogram();
      for (int i = 0; i < Math.min(h.length, pooled.length); i++) {
        pooled[i] += h[i];
      }
      double js = JensenShannon.divergence(h, federation);
      if (Double.isNaN(s.baselineJs) && Double.isFinite(js)) {
        s.baselineJs = js;
      }
      double trend = Double.isFinite(s.lossEwma) && s.lossEwma > 0 && Double.isFinite(o.loss())
          ? o.loss() / s.lossEwma - 1 : 0;
      if (Double.isFinite(o.loss())) {
        s.lossEwma = Double.isFinite(s.lossEwma) ? 0.5 * s.lossEwma + 0.5 * o.loss() : o.loss();
      }
      double normTrend = Double.isFinite(s.normEwma) && s.normEwma > 0 && Double.isFinite(o.norm())
          ? o.norm() / s.normEwma - 1 : 0;
      if (Double.isFinite(o.norm())) {
        s.normEwma = Double.isFinite(s.normEwma) ? 0.5 * s.normEwma + 0.5 * o.norm() : o.norm();
      }
      boolean jsAlarm = Double.isFinite(js) && Math.abs(js - s.baselineJs) > config.jsRise();
      boolean lossAlarm = trend > config.lossRise();
      boolean normAlarm = normTrend > config.normRise();
      boolean alarm = jsAlarm || lossAlarm || normAlarm;
      if (alarm && !s.alarmed) {
        if (jsAlarm) {
          // the value is what was compared with the threshold: the change, not the level (non-IID
          // participants sit far from the federation from their first round)
          alarms.add(new Alarm(o.participantId(), "label-js", Math.abs(js - s.baselineJs), config.jsRise(),
              String.format(Locale.ROOT,
              "label histogram changed: JS to the federation %.3f bits, was %.3f (change > %s)", js, s.baselineJs,
              config.jsRise())));
        } else if (lossAlarm) {
          alarms.add(new Alarm(o.participantId(), "loss-trend", trend, config.lossRise(), String.format(Locale.ROOT,
              "local loss %.4f is %.0f%% above its running average", o.loss(), 100 * trend)));
        } else {
          alarms.add(new Alarm(o.participantId(), "norm-trend", normTrend, config.normRise(), String.format(
              Locale.ROOT, "update norm %.4g is %.0f%% above its running average", o.norm(), 100 * normTrend)));
        }
      }
      s.alarmed = alarm;
      if (alarm) {
        alarmedNow++;
      }
      out.add(new ParticipantDrift(o.participantId(), js, trend, normTrend, o.cosine(), alarm));
    }
    double fraction = round.isEmpty() ? 0 : (double) alarmedNow / round.size();
    boolean fedAlarm = round.size() >= 2 && fraction >= config.federationFraction();
    if (fedAlarm && !federationAlarmed) {
      alarms.add(new Alarm(null, "fraction-alarmed", fraction, config.federationFraction(), String.format(
          Locale.ROOT, "%d of %d contributors drifted", alarmedNow, round.size())));
    }
    federationAlarmed = fedAlarm;
    return new Result(out, alarms, JensenShannon.divergence(pooled, federation));
  }
}
