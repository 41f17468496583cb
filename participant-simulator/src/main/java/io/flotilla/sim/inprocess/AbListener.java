package io.flotilla.sim.inprocess;

import io.flotilla.engine.api.FederationEvent;

/**
 * Follows an {@link AbRun} while it runs (ADR 0017): the plan once both arms are built, every
 * {@link FederationEvent} of each arm's federation tagged with its arm, and the end (the same
 * {@link AbRun.Result} the offline run returns, or the error). Observing changes nothing in the run: the
 * arms' events are delivered after the run's own bookkeeping and the result does not depend on listeners.
 *
 * <p>Thread-safety: {@link #event} is called on the arm's coordinator thread (one thread per arm, so the
 * two arms call concurrently) and must not block; {@link #started}, {@link #finished} and {@link #failed}
 * are called on the run's own thread. An exception thrown by a listener is logged and otherwise ignored.
 */
public interface AbListener {
  /** A listener that ignores everything. */
  AbListener NONE = new AbListener() {
    @Override
    public void event(AbRun.Side arm, FederationEvent event) {}
  };

  /** Both arms are built and their participants have joined; their first round starts next. */
  default void started(AbRun.Plan plan) {}

  /** An event of arm {@code arm}'s federation, in that federation's sequence order. */
  void event(AbRun.Side arm, FederationEvent event);

  /** Both arms ended (finished, or stopped) and the significance tests are done. */
  default void finished(AbRun.Result result) {}

  /** The run could not complete: a missing data set, an arm that failed, or an interruption. */
  default void failed(Throwable error) {}
}
