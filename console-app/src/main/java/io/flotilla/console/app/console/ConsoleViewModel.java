package io.flotilla.console.app.console;

import io.flotilla.console.app.audit.AuditViewModel;
import io.flotilla.console.app.bridge.EventBridge;
import io.flotilla.console.app.calibration.CalibrationViewModel;
import io.flotilla.console.app.drift.DriftViewModel;
import io.flotilla.console.app.format.Units;
import io.flotilla.console.app.history.FederationHistory;
import io.flotilla.console.app.learning.LearningViewModel;
import io.flotilla.console.app.models.ModelsViewModel;
import io.flotilla.console.app.overview.OverviewViewModel;
import io.flotilla.console.app.participants.ParticipantsViewModel;
import io.flotilla.console.app.perf.StallRecorder;
import io.flotilla.console.app.session.SessionInfo;
import io.flotilla.console.app.timeline.TimelineModel;
import io.flotilla.console.app.timeline.TimelineViewModel;
import io.flotilla.engine.api.Federation;
import io.flotilla.engine.api.FederationEvent;
import io.flotilla.engine.api.FederationEvent.ParticipantSuspended;
import io.flotilla.engine.api.FederationEvent.RoundAborted;
import io.flotilla.engine.api.FederationEvent.RoundCommitted;
import io.flotilla.engine.api.FederationEvent.RoundPhaseChanged;
import io.flotilla.engine.api.FederationEvent.StateChanged;
import io.flotilla.engine.api.FederationSnapshot;
import io.flotilla.engine.api.FederationState;
import io.flotilla.engine.api.RoundPhase;
import io.flotilla.engine.api.Subscription;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyDoubleProperty;
import javafx.beans.property.ReadOnlyDoubleWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.binding.Bindings;
import javafx.beans.binding.BooleanBinding;
import javafx.beans.binding.StringBinding;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The console window's state: what federation it shows, its life-cycle state (the coloured chip), the
 * current round and phase, which of Start / Pause-Resume / Stop apply, the page on screen and the pages
 * available, alarms, long operations, and the status bar (data description, events per second, last
 * commit). It owns the {@link EventBridge} that the federation's events come through and hands every batch
 * to itself and to the page view models ({@link #overview()}, {@link #timeline()}, {@link #participants()},
 * {@link #learning()}, {@link #models()}, {@link #audit()}).
 *
 * <p>Threading: the UI executor given to the constructor ({@code Platform::runLater} in the application,
 * {@code Runnable::run} in tests) defines the UI thread. {@link #eventListener()}, {@link #sessionReady} and
 * {@link #sessionFailed} may be called from any thread and marshal onto it; everything else, properties
 * included, belongs to the UI thread. Commands only enqueue on the engine and never wait for it.
 */
public final class ConsoleViewModel implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ConsoleViewModel.class);

  /** What the state chip shows; {@link #styleClass()} picks its colour. */
  public enum Chip {
    LOADING("Loading"),
    READY("Ready"),
    RUNNING("Running"),
    PAUSED("Paused"),
    STOPPED("Stopped"),
    FINISHED("Finished"),
    FAILED("Failed");

    private final String text;

    Chip(String text) {
      this.text = text;
    }

    public String text() {
      return text;
    }

    public String styleClass() {
      return "state-" + name().toLowerCase(Locale.ROOT);
    }

    static Chip of(FederationState s) {
      return switch (s) {
        case CREATED -> READY;
        case RUNNING -> RUNNING;
        case PAUSED -> PAUSED;
        case STOPPED -> STOPPED;
        case FINISHED -> FINISHED;
        case FAILED -> FAILED;
      };
    }
  }

  /** Alarms kept in the list; the oldest drop off. */
  public static final int MAX_ALARMS = 500;

  private final Executor ui;
  private final Clock clock;
  private final EventBridge bridge;
  private final OverviewViewModel overview;
  private final TimelineViewModel timeline;
  private final ParticipantsViewModel participants;
  private final LearningViewModel learning;
  private final ModelsViewModel models;
  private final AuditViewModel audit;
  private final DriftViewModel drift = new DriftViewModel();
  private final CalibrationViewModel calibration;
  private final OperationTracker tracker = new OperationTracker();
  private final StallRecorder drains = new StallRecorder();
  private final StallRecorder ticks = new StallRecorder();
  private long slowestBatchNanos;
  private String slowestBatch = "none";
  private final ObservableList<Page> pages = FXCollections.observableArrayList(
      java.util.Arrays.stream(Page.values()).filter(p -> !p.needsHistory()).toList());
  private final ObservableList<Page> pagesView = FXCollections.unmodifiableObservableList(pages);
  private final ReadOnlyObjectWrapper<Page> page = new ReadOnlyObjectWrapper<>(Page.OVERVIEW);
  private final ObservableList<Alarm> alarms = FXCollections.observableArrayList();
  private final ObservableList<Alarm> alarmsView = FXCollections.unmodifiableObservableList(alarms);

  private final ReadOnlyStringWrapper federationName = new ReadOnlyStringWrapper();
  private final ReadOnlyStringWrapper summary = new ReadOnlyStringWrapper();
  private final ReadOnlyObjectWrapper<FederationState> state = new ReadOnlyObjectWrapper<>();
  private final ReadOnlyObjectWrapper<Chip> chip = new ReadOnlyObjectWrapper<>(Chip.LOADING);
  private final ReadOnlyStringWrapper stateDetail = new ReadOnlyStringWrapper("");
  private final ReadOnlyStringWrapper roundText = new ReadOnlyStringWrapper("No round yet");
  private final ReadOnlyStringWrapper roundNumberText = new ReadOnlyStringWrapper(Units.NONE);
  private final ReadOnlyStringWrapper phaseText = new ReadOnlyStringWrapper("not started");
  private final ReadOnlyBooleanWrapper startDisabled = new ReadOnlyBooleanWrapper(true);
  private final ReadOnlyBooleanWrapper pauseDisabled = new ReadOnlyBooleanWrapper(true);
  private final ReadOnlyBooleanWrapper stopDisabled = new ReadOnlyBooleanWrapper(true);
  private final ReadOnlyStringWrapper pauseText = new ReadOnlyStringWrapper("Pause");
  private final ReadOnlyBooleanWrapper loading = new ReadOnlyBooleanWrapper(true);
  private final ReadOnlyStringWrapper statusText = new ReadOnlyStringWrapper();
  private final ReadOnlyStringWrapper operatorText = new ReadOnlyStringWrapper("");
  private final ReadOnlyStringWrapper serverAddress = new ReadOnlyStringWrapper();
  private final ReadOnlyDoubleWrapper eventsPerSecond = new ReadOnlyDoubleWrapper(0);
  private final ReadOnlyStringWrapper eventsRateText = new ReadOnlyStringWrapper("0.0 events/s");
  private final ReadOnlyObjectWrapper<Instant> lastCommit = new ReadOnlyObjectWrapper<>();
  private final ReadOnlyStringWrapper lastCommitText = new ReadOnlyStringWrapper("no commit yet");

  private final BooleanBinding busy;
  private final StringBinding busyText;
  private SessionInfo session;
  private Federation federation;
  private FederationHistory history;
  private Subscription subscription;
  private long currentRound;
  private RoundPhase currentPhase;
  private long eventsSinceTick;
  private Instant lastTick;
  private boolean closed;

  /**
   * @param ui runs work on the UI thread
   * @param chartWriter writes learning-curve points off the FX thread (a single thread; {@code Runnable::run}
   *     in tests)
   * @param batchInterval least time between two event batches ({@link EventBridge#DEFAULT_INTERVAL})
   * @param clock for events per second and "12 s ago"
   * @param planned what is being loaded, shown until the simulation is ready
   */
  public ConsoleViewModel(Executor ui, Executor chartWriter, Duration batchInterval, Clock clock,
      SessionInfo planned) {
    this(ui, chartWriter, Runnable::run, batchInterval, clock, planned, TimelineModel.DEFAULT_CAPACITY);
  }

  /**
   * @param ui runs work on the UI thread
   * @param chartWriter writes chart and timeline data off the FX thread (a single thread)
   * @param io reads the federation's stored history and writes exports (a background thread; never the FX
   *     thread)
   * @param batchInterval least time between two event batches
   * @param clock for events per second and "12 s ago"
   * @param planned what is being loaded
   * @param timelineRounds rounds the timeline keeps
   */
  public ConsoleViewModel(Executor ui, Executor chartWriter, Executor io, Duration batchInterval, Clock clock,
      SessionInfo planned, int timelineRounds) {
    this.ui = Objects.requireNonNull(ui, "ui");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.overview = new OverviewViewModel(planned, chartWriter);
    this.bridge = new EventBridge(ui, batchInterval, this::apply);
    this.timeline = new TimelineViewModel(chartWriter, timelineRounds);
    this.timeline.strategy(planned.strategy());
    this.participants = new ParticipantsViewModel(ui, clock, bridge::lastSeq);
    this.participants.onSnapshot(s -> timeline.lanes(
        s.participants().stream().map(FederationSnapshot.ParticipantSnapshot::id).toList()));
    this.participants.onActionResult(r -> {
      if (!r.ok()) {
        alarm(new Alarm(clock.instant(), Alarm.Severity.ERROR, r.action().label() + " " + r.participantId()
            + " failed", r.message(), r.participantId(), currentRound));
      }
    });
    this.learning = new LearningViewModel(chartWriter);
    this.models = new ModelsViewModel(ui, io, tracker);
    this.audit = new AuditViewModel(ui, io, tracker, clock);
    this.calibration = new CalibrationViewModel(ui, clock);
    this.calibration.onFailure(this::operationFailed);
    this.busy = loading.or(tracker.busyProperty());
    this.busyText = Bindings.createStringBinding(() -> loading.get()
        ? "Loading " + session.dataName() + "…" : tracker.labelProperty().get(), loading, tracker.labelProperty());
    this.session = planned;
    this.lastTick = clock.instant();
    federationName.set(planned.federationName());
    summary.set(planned.summary());
    statusText.set("embedded simulation: loading " + planned.dataDescription() + "…");
  }

  public OverviewViewModel overview() {
    return overview;
  }

  public TimelineViewModel timeline() {
    return timeline;
  }

  public ParticipantsViewModel participants() {
    return participants;
  }

  public LearningViewModel learning() {
    return learning;
  }

  public ModelsViewModel models() {
    return models;
  }

  public AuditViewModel audit() {
    return audit;
  }

  /** The Drift page's heat map and alarms. */
  public DriftViewModel drift() {
    return drift;
  }

  /** The Calibration page. */
  public CalibrationViewModel calibration() {
    return calibration;
  }

  /**
   * A fault was injected into the embedded simulation: a notification, and a marker on the Learning page.
   * UI thread.
   */
  public void faultInjected(String text, String participantId) {
    log.info("fault injected: {}", text);
    alarm(new Alarm(clock.instant(), Alarm.Severity.WARNING, "Fault injected", text, participantId, currentRound));
    learning.note(text);
  }

  /** Long operations in flight, for the status bar. */
  public OperationTracker operations() {
    return tracker;
  }

  /** Time spent applying each event batch on the UI thread. */
  public StallRecorder drainTimes() {
    return drains;
  }

  /** Subscribe this to the federation: it queues events and never blocks the coordinator. */
  public Consumer<FederationEvent> eventListener() {
    return bridge;
  }

  // ------------------------------------------------------------------ session (any thread)

  /**
   * The simulation is built: subscribe to its events and, if asked, start rounds. Any thread.
   *
   * @param autoStart start rounds at once instead of waiting for Start
   */
  public void sessionReady(Federation fed, SessionInfo loaded, boolean autoStart) {
    sessionReady(fed, null, loaded, autoStart);
  }

  /**
   * As {@link #sessionReady(Federation, SessionInfo, boolean)}, with the federation's stored history (model
   * versions, audit log), which adds the Models and Audit pages; null when it keeps none. Any thread.
   */
  public void sessionReady(Federation fed, FederationHistory hist, SessionInfo loaded, boolean autoStart) {
    ui.execute(() -> attach(fed, hist, loaded, autoStart));
  }

  /** The simulation could not be built. Any thread. */
  public void sessionFailed(Throwable error) {
    ui.execute(() -> onFailed(error));
  }

  private void attach(Federation fed, FederationHistory hist, SessionInfo loaded, boolean autoStart) {
    if (closed) {
      return;
    }
    federation = fed;
    history = hist;
    session = loaded;
    subscription = fed.subscribe(bridge);
    timeline.strategy(loaded.strategy());
    participants.attach(fed);
    calibration.attach(fed);
    if (hist != null) {
      models.attach(fed, hist);
      audit.attach(hist);
      pages.setAll(Page.values());
    }
    loading.set(false);
    federationName.set(loaded.federationName());
    summary.set(loaded.summary());
    statusText.set("embedded simulation: " + loaded.dataDescription()
        + (hist == null ? "" : " · history in " + hist.location()));
    overview.ready(loaded);
    setState(fed.state(), "");
    if (autoStart) {
      start();
    }
  }

  /**
   * The federation is also served to participant processes over gRPC at {@code address}
   * ({@code flotilla participant --coordinator ADDRESS}). Any thread.
   */
  public void serving(String address) {
    ui.execute(() -> {
      serverAddress.set(address);
      if (!statusText.get().contains(" · serving participants on ")) {
        statusText.set(statusText.get() + " · serving participants on " + address);
      }
    });
  }

  /** Where participant processes can join this federation ({@code host:port}), or null when not served. */
  public ReadOnlyStringProperty serverAddressProperty() {
    return serverAddress.getReadOnlyProperty();
  }

  private void onFailed(Throwable error) {
    Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    String reason = cause.getMessage() == null ? cause.toString() : cause.getMessage();
    loading.set(false);
    chip.set(Chip.FAILED);
    stateDetail.set(reason);
    startDisabled.set(true);
    pauseDisabled.set(true);
    stopDisabled.set(true);
    statusText.set("embedded simulation: could not start — " + reason);
    overview.failed(reason);
  }

  // ------------------------------------------------------------------ events (UI thread)

  /** Applies a batch of events, in order, to this model and the pages'. UI thread. */
  public void apply(List<FederationEvent> batch) {
    if (closed) {
      return;
    }
    long t0 = System.nanoTime();
    eventsSinceTick += batch.size();
    for (FederationEvent e : batch) {
      if (e instanceof StateChanged sc) {
        setState(sc.to(), sc.reason());
        if (sc.to() == FederationState.FAILED) {
          alarm(new Alarm(sc.time(), Alarm.Severity.ERROR, "Federation failed", sc.reason(), null, currentRound));
        }
      } else if (e instanceof RoundPhaseChanged pc && pc.roundId() >= currentRound) {
        currentRound = pc.roundId();
        currentPhase = pc.to();
      } else if (e instanceof RoundCommitted rc) {
        lastCommit.set(rc.time());
      } else if (e instanceof RoundAborted ra) {
        alarm(new Alarm(ra.time(), Alarm.Severity.WARNING, "Round " + ra.roundId() + " aborted", ra.reason(), null,
            ra.roundId()));
      } else if (e instanceof ParticipantSuspended ps) {
        alarm(new Alarm(ps.time(), Alarm.Severity.ERROR, "Participant " + ps.participantId() + " suspended",
            ps.reason(), ps.participantId(), currentRound));
      } else if (e instanceof FederationEvent.DriftAlarm da) {
        alarm(new Alarm(da.time(), Alarm.Severity.WARNING, (da.participantId() == null ? "Federation"
            : "Participant " + da.participantId()) + " drifted (" + da.indicator() + ")", da.detail(),
            da.participantId(), da.roundId()));
      } else if (e instanceof FederationEvent.DivergenceAlarm dv) {
        alarm(new Alarm(dv.time(), Alarm.Severity.ERROR, "Training diverging (" + dv.kind() + ")", dv.detail()
            + ("none".equals(dv.reaction()) ? "" : " · reaction: " + dv.reaction()), null, dv.roundId()));
      }
    }
    long[] at = new long[8];
    at[0] = System.nanoTime();
    overview.apply(batch);
    at[1] = System.nanoTime();
    timeline.apply(batch);
    at[2] = System.nanoTime();
    participants.apply(batch);
    at[3] = System.nanoTime();
    learning.apply(batch);
    at[4] = System.nanoTime();
    models.apply(batch);
    at[5] = System.nanoTime();
    audit.apply(batch);
    drift.apply(batch);
    calibration.apply(batch);
    at[6] = System.nanoTime();
    updateRoundText();
    updateLastCommitText(clock.instant());
    at[7] = System.nanoTime();
    long took = at[7] - t0;
    drains.record(took);
    if (took > slowestBatchNanos) {
      slowestBatchNanos = took;
      slowestBatch = String.format(Locale.ROOT,
          "%.1f ms for %d events: console %.1f, overview %.1f, timeline %.1f, participants %.1f, learning %.1f, "
              + "models %.1f, audit %.1f, texts %.1f", took / 1e6, batch.size(), (at[0] - t0) / 1e6,
          (at[1] - at[0]) / 1e6, (at[2] - at[1]) / 1e6, (at[3] - at[2]) / 1e6, (at[4] - at[3]) / 1e6,
          (at[5] - at[4]) / 1e6, (at[6] - at[5]) / 1e6, (at[7] - at[6]) / 1e6);
    }
  }

  /**
   * Where the slowest batch since the last {@link StallRecorder#reset()} of {@link #drainTimes()} spent its
   * time, page by page (for the responsiveness measurement). UI thread.
   */
  public String slowestBatch() {
    return slowestBatch;
  }

  /** Forgets the batch and tick timings recorded so far. UI thread. */
  public void resetTimings() {
    drains.reset();
    ticks.reset();
    participants.snapshotTimes().reset();
    slowestBatchNanos = 0;
    slowestBatch = "none";
  }

  /** Time spent in each once-a-second {@link #tick()}. */
  public StallRecorder tickTimes() {
    return ticks;
  }

  private void alarm(Alarm a) {
    alarms.add(0, a);
    if (alarms.size() > MAX_ALARMS) {
      alarms.remove(MAX_ALARMS, alarms.size());
    }
  }

  /** Raises an error alarm (and so a notification) for an operation that failed outside the engine. UI thread. */
  public void operationFailed(String title, String text) {
    log.warn("{}: {}", title, text);
    alarm(new Alarm(clock.instant(), Alarm.Severity.ERROR, title, text, null, currentRound));
  }

  /** Raises a warning alarm (and so a notification) the operator should read. UI thread. */
  public void notice(String title, String text) {
    alarm(new Alarm(clock.instant(), Alarm.Severity.WARNING, title, text, null, currentRound));
  }

  /** Shows {@code p} (if it is available). UI thread. */
  public void show(Page p) {
    if (p == null || !pages.contains(p)) {
      return;
    }
    page.set(p);
    models.active(p == Page.MODELS);
    audit.active(p == Page.AUDIT);
  }

  private void setState(FederationState s, String reason) {
    state.set(s);
    chip.set(Chip.of(s));
    stateDetail.set(reason == null ? "" : reason);
    startDisabled.set(federation == null || s != FederationState.CREATED);
    pauseDisabled.set(federation == null || (s != FederationState.RUNNING && s != FederationState.PAUSED));
    pauseText.set(s == FederationState.PAUSED ? "Resume" : "Pause");
    stopDisabled.set(federation == null || s.isTerminal());
  }

  private void updateRoundText() {
    if (currentRound == 0) {
      roundText.set("No round yet");
      return;
    }
    int planned = session == null ? 0 : session.rounds();
    roundNumberText.set(planned > 0 ? currentRound + " of " + planned : Long.toString(currentRound));
    phaseText.set(currentPhase == null ? "" : title(currentPhase)
        + (state.get() == FederationState.PAUSED ? " · paused" : ""));
    String phase = currentPhase == null ? "" : " · " + title(currentPhase);
    roundText.set(planned > 0
        ? "Round " + currentRound + " of " + planned + phase
        : "Round " + currentRound + phase);
  }

  static String title(RoundPhase p) {
    String n = p.name().toLowerCase(Locale.ROOT);
    return Character.toUpperCase(n.charAt(0)) + n.substring(1);
  }

  /** Once a second, UI thread: refreshes events per second and "last commit … ago". */
  public void tick() {
    long t0 = System.nanoTime();
    Instant now = clock.instant();
    double seconds = Duration.between(lastTick, now).toNanos() / 1e9;
    if (seconds > 0) {
      eventsPerSecond.set(eventsSinceTick / seconds);
      eventsRateText.set(Units.rate(eventsPerSecond.get()) + " events/s");
      eventsSinceTick = 0;
      lastTick = now;
    }
    updateLastCommitText(now);
    participants.tick();
    models.tick();
    audit.tick();
    ticks.record(System.nanoTime() - t0);
  }

  private void updateLastCommitText(Instant now) {
    Instant t = lastCommit.get();
    lastCommitText.set(t == null ? "no commit yet"
        : "last commit " + Units.clock(t) + " (" + Units.ago(t, now) + ")");
  }

  // ------------------------------------------------------------------ commands (UI thread)

  /** Starts the round schedule. */
  public void start() {
    command(Federation::start);
  }

  /** Pauses (the current round finishes, no new one starts) or, when paused, resumes. */
  public void togglePause() {
    if (state.get() == FederationState.PAUSED) {
      command(Federation::resume);
    } else if (state.get() == FederationState.RUNNING) {
      command(Federation::pause);
    }
  }

  /** Stops the federation for good: the current round is aborted. Confirm with the operator first. */
  public void stop() {
    command(Federation::stop);
  }

  /** What stopping will do, for the confirmation dialog. */
  public String stopConsequences() {
    String round = currentRound > 0 && currentPhase != null && !currentPhase.isTerminal()
        ? "Round " + currentRound + " will be aborted and no"
        : "No";
    return round + " further rounds will run. A stopped federation cannot be restarted; the "
        + overview.committedRoundsProperty().get()
        + " committed rounds stay on screen until you close the console.";
  }

  private void command(Consumer<Federation> c) {
    if (federation == null || closed) {
      return;
    }
    try {
      c.accept(federation);
    } catch (RejectedExecutionException e) {
      log.warn("the federation refused a command", e);
      stateDetail.set("command refused: " + e.getMessage());
    } catch (RuntimeException e) { // e.g. the operator's role does not allow it (audited by the trust layer)
      operationFailed("Command refused", String.valueOf(e.getMessage()));
    }
  }

  /** Who works at the console, for the status bar ("olga · observer"). Any thread. */
  public void operator(String text) {
    ui.execute(() -> operatorText.set(text));
  }

  public ReadOnlyStringProperty operatorTextProperty() {
    return operatorText.getReadOnlyProperty();
  }

  /** The federation, once loaded (null before). */
  public Federation federation() {
    return federation;
  }

  /** Its stored history, or null when it keeps none. */
  public FederationHistory history() {
    return history;
  }

  /** The current round (0 before the first). */
  public long currentRound() {
    return currentRound;
  }

  /** Unsubscribes and stops delivering events. Does not close the federation (its owner does). */
  @Override
  public void close() {
    closed = true;
    if (subscription != null) {
      subscription.close();
    }
    bridge.close();
  }

  // ------------------------------------------------------------------ properties

  /** The page on screen. */
  public ReadOnlyObjectProperty<Page> pageProperty() {
    return page.getReadOnlyProperty();
  }

  /** Pages that work for this federation, in rail order (Models and Audit need stored history). */
  public ObservableList<Page> pages() {
    return pagesView;
  }

  /** Alarms, newest first. */
  public ObservableList<Alarm> alarms() {
    return alarmsView;
  }

  /** True while loading or while a long operation runs. */
  public BooleanBinding busyProperty() {
    return busy;
  }

  /** What is running, for the progress bar's label. */
  public StringBinding busyTextProperty() {
    return busyText;
  }

  public ReadOnlyStringProperty federationNameProperty() {
    return federationName.getReadOnlyProperty();
  }

  /** "20 participants · 10 per round · logreg · fedavg". */
  public ReadOnlyStringProperty summaryProperty() {
    return summary.getReadOnlyProperty();
  }

  /** The federation's life-cycle state; null until the simulation is loaded. */
  public ReadOnlyObjectProperty<FederationState> stateProperty() {
    return state.getReadOnlyProperty();
  }

  public ReadOnlyObjectProperty<Chip> chipProperty() {
    return chip.getReadOnlyProperty();
  }

  /** Why the state last changed (the engine's reason), for the chip's tooltip. */
  public ReadOnlyStringProperty stateDetailProperty() {
    return stateDetail.getReadOnlyProperty();
  }

  /** "12 of 500" for the Overview's round tile. */
  public ReadOnlyStringProperty roundNumberTextProperty() {
    return roundNumberText.getReadOnlyProperty();
  }

  /** "Collecting" (the current round's phase). */
  public ReadOnlyStringProperty phaseTextProperty() {
    return phaseText.getReadOnlyProperty();
  }

  /** "Round 12 of 500 · Collecting". */
  public ReadOnlyStringProperty roundTextProperty() {
    return roundText.getReadOnlyProperty();
  }

  public ReadOnlyBooleanProperty startDisabledProperty() {
    return startDisabled.getReadOnlyProperty();
  }

  public ReadOnlyBooleanProperty pauseDisabledProperty() {
    return pauseDisabled.getReadOnlyProperty();
  }

  /** "Pause" while running, "Resume" while paused. */
  public ReadOnlyStringProperty pauseTextProperty() {
    return pauseText.getReadOnlyProperty();
  }

  public ReadOnlyBooleanProperty stopDisabledProperty() {
    return stopDisabled.getReadOnlyProperty();
  }

  /** True while the simulation is being built. */
  public ReadOnlyBooleanProperty loadingProperty() {
    return loading.getReadOnlyProperty();
  }

  /** "embedded simulation: Fashion-MNIST (…), dirichlet:0.5 over 20 participants". */
  public ReadOnlyStringProperty statusTextProperty() {
    return statusText.getReadOnlyProperty();
  }

  public ReadOnlyDoubleProperty eventsPerSecondProperty() {
    return eventsPerSecond.getReadOnlyProperty();
  }

  /** "12 events/s". */
  public ReadOnlyStringProperty eventsRateTextProperty() {
    return eventsRateText.getReadOnlyProperty();
  }

  public ReadOnlyObjectProperty<Instant> lastCommitProperty() {
    return lastCommit.getReadOnlyProperty();
  }

  /** "last commit 14:03:27 (3 s ago)". */
  public ReadOnlyStringProperty lastCommitTextProperty() {
    return lastCommitText.getReadOnlyProperty();
  }
}
