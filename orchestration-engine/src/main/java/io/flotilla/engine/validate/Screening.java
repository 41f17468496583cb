package io.flotilla.engine.validate;

import io.flotilla.engine.spi.UpdateValidator;
import io.flotilla.engine.spi.UpdateValidator.RecentStatistics;
import io.flotilla.engine.spi.UpdateValidator.Rejection;
import io.flotilla.engine.spi.UpdateValidator.UpdateFeatures;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Runs the configured validators over each update in cohort order and keeps the window of accepted norms
 * they are judged against. The first validator that objects decides the reason.
 *
 * <p>Bootstrap: while the window holds fewer than {@code bootstrapNorms} norms or cosines (the first round,
 * and the first round with a reference direction), there is no history to judge against, so the
 * coordinator holds the round's updates until every member has answered or failed and judges them
 * together, against statistics of all of the round's features ({@link #bootstrap}); a minority of
 * attackers then cannot set the reference. Those rounds cost O(cohort × model) memory; later
 * rounds stream. Confined to the coordinator thread.
 */
public final class Screening {
  private final List<UpdateValidator> validators;
  private final NormWindow window;
  private final int bootstrapNorms;
  private NormWindow roundView;

  public Screening(List<UpdateValidator> validators, int window) {
    this(validators, window, 5);
  }

  public Screening(List<UpdateValidator> validators, int window, int bootstrapNorms) {
    this.validators = List.copyOf(validators);
    this.window = new NormWindow(window);
    this.bootstrapNorms = bootstrapNorms;
  }

  /** Whether any validator is configured (otherwise features need not be computed). */
  public boolean active() {
    return !validators.isEmpty();
  }

  /**
   * True when the next round must be judged as a batch: too few norms yet (the first round), or too few
   * cosines (the first round that has a reference direction).
   */
  public boolean needsBootstrap() {
    if (!active()) {
      return false;
    }
    RecentStatistics s = window.statistics();
    return s.count() < bootstrapNorms || s.cosineCount() < bootstrapNorms;
  }

  /**
   * Judges the following {@link #check}s against {@code roundFeatures} (the whole round's received updates)
   * — joined by the window only when the round alone is too small to judge by — until
   * {@link #endBootstrap()}. The round alone is preferred because norms shrink as training converges: mixed
   * with an earlier round's, they inflate the spread and let outliers through.
   */
  public void bootstrap(List<UpdateFeatures> roundFeatures) {
    long usable = roundFeatures.stream().filter(f -> f != null).count();
    NormWindow v = usable >= bootstrapNorms ? new NormWindow(Integer.MAX_VALUE) : window.copy();
    for (UpdateFeatures f : roundFeatures) {
      if (f != null) {
        v.add(f.norm(), f.cosineToReference());
      }
    }
    roundView = v;
  }

  public void endBootstrap() {
    roundView = null;
  }

  public Optional<Rejection> check(UpdateFeatures features) {
    if (features == null) {
      return Optional.empty();
    }
    RecentStatistics stats = (roundView != null ? roundView : window).statistics();
    for (UpdateValidator v : validators) {
      Optional<Rejection> r = v.check(features, stats);
      if (r.isPresent()) {
        return r;
      }
    }
    return Optional.empty();
  }

  /** The whole window (log-norms and cosines), for persistence across restarts. */
  public Map<String, List<Double>> history() {
    return window.snapshot();
  }

  /** Puts back what {@link #history()} returned (after a restart). */
  public void restoreHistory(Map<String, List<Double>> saved) {
    window.restore(saved);
  }

  /** Records an accepted update (its norm joins the window). */
  public void accepted(UpdateFeatures features) {
    if (features != null) {
      window.add(features.norm(), features.cosineToReference());
    }
  }
}
