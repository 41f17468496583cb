package io.flotilla.console.app;

import atlantafx.base.theme.Styles;
import io.flotilla.console.app.audit.AuditView;
import io.flotilla.console.app.bridge.EventBridge;
import io.flotilla.console.app.calibration.CalibrationView;
import io.flotilla.console.app.console.Alarm;
import io.flotilla.console.app.console.AlarmNotifier;
import io.flotilla.console.app.console.ConsoleView;
import io.flotilla.console.app.console.ConsoleViewModel;
import io.flotilla.console.app.console.DetailDrawer;
import io.flotilla.console.app.console.Page;
import io.flotilla.console.app.drift.DriftView;
import io.flotilla.console.app.faults.FaultsView;
import io.flotilla.console.app.faults.FaultsViewModel;
import io.flotilla.console.app.format.Units;
import io.flotilla.console.app.enrollments.ConsoleTrust;
import io.flotilla.console.app.enrollments.EnrollmentsView;
import io.flotilla.console.app.enrollments.EnrollmentsViewModel;
import io.flotilla.console.app.enrollments.OperatorIdentity;
import io.flotilla.console.app.history.FederationHistory;
import io.flotilla.console.app.enrollments.ExperimentAudit;
import io.flotilla.console.app.learning.AbCurvesViewModel;
import io.flotilla.console.app.learning.LearningView;
import io.flotilla.console.app.models.ModelVersionRow;
import io.flotilla.console.app.models.ModelsView;
import io.flotilla.console.app.overview.OverviewTiles;
import io.flotilla.console.app.overview.OverviewView;
import io.flotilla.console.app.participants.ParticipantDetailsPane;
import io.flotilla.console.app.participants.ParticipantRow;
import io.flotilla.console.app.participants.ParticipantsView;
import io.flotilla.console.app.scenario.JoinCommand;
import io.flotilla.console.app.scenario.ScenarioCatalog;
import io.flotilla.console.app.scenario.ScenarioChooser;
import io.flotilla.console.app.session.BackgroundPriority;
import io.flotilla.console.app.session.EmbeddedServer;
import io.flotilla.console.app.session.EmbeddedSession;
import io.flotilla.console.app.session.SessionInfo;
import io.flotilla.console.app.settings.ConsoleSettings;
import io.flotilla.console.app.settings.SettingsStore;
import io.flotilla.console.app.timeline.RoundDetails;
import io.flotilla.console.app.timeline.RoundDetailsPane;
import io.flotilla.console.app.timeline.TimelineModel;
import io.flotilla.console.app.timeline.TimelineView;
import io.flotilla.console.app.tuning.AbExperimentViewModel;
import io.flotilla.console.app.tuning.TuningView;
import io.flotilla.console.app.tuning.TuningViewModel;
import io.flotilla.engine.api.Extensions;
import io.flotilla.engine.security.GovernedFederation;
import io.flotilla.sim.inprocess.InProcessSimulation;
import java.nio.file.Path;
import java.time.Clock;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiFunction;
import java.util.function.Function;
import javafx.animation.Animation;
import javafx.animation.KeyFrame;
import javafx.animation.Timeline;
import javafx.application.Application;
import javafx.application.Platform;
import javafx.geometry.Insets;
import javafx.geometry.Rectangle2D;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.control.Hyperlink;
import javafx.scene.control.Label;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.VBox;
import javafx.stage.Screen;
import javafx.stage.Stage;
import javafx.stage.Window;
import javafx.util.Duration;

/**
 * The Flotilla operations console: one window that runs a simulated federation embedded and shows it
 * live on up to eleven pages (Overview, Timeline, Participants, Learning, Drift, Calibration, Simulator,
 * Tuning, and, when the federation keeps history, Models, Audit log and Enrollments; see {@code Page}). The window appears at once; the simulation loads on a background thread and
 * engine events reach the FX thread in batches of at most 20 per second (see {@link EventBridge}).
 * {@link #stop()} closes the simulation without making the FX thread wait.
 *
 * <p>The window's place and size, the theme and the open page are remembered in the settings file given by
 * the options (none in tests unless they ask), read before the window opens and written on a background
 * thread when it closes.
 *
 * <p>Start it with {@link #run(ConsoleOptions)} (the command line does), or construct it with options
 * (tests do, through TestFX). Life-cycle methods run on the FX thread, as JavaFX calls them, apart from
 * {@link #init()}.
 */
public final class FlotillaConsoleApp extends Application {
  private static final AtomicReference<ConsoleOptions> LAUNCH_OPTIONS = new AtomicReference<>();
  private static final AtomicReference<OperatorIdentity> LAUNCH_OPERATOR = new AtomicReference<>();
  private static final String STYLESHEET = "/io/flotilla/console/app/console.css";

  private ConsoleOptions options;
  private volatile boolean stopped;
  private BackgroundPriority priority;
  private final SettingsStore settingsStore;
  private volatile ConsoleSettings settings = ConsoleSettings.DEFAULTS;
  private BiFunction<Window, ModelVersionRow, Path> exportTarget;
  private ConsoleViewModel vm;
  private volatile EmbeddedSession session;
  private Timeline ticker;
  private ExecutorService chartWriter;
  private ExecutorService io;
  private Scene scene;
  private Stage stage;
  private ConsoleView console;
  private DetailDrawer drawer;
  private TimelineView timelineView;
  private OverviewView overviewView;
  private AuditView auditView;
  private ParticipantsView participantsView;
  private ModelsView modelsView;
  private DriftView driftView;
  private FaultsViewModel faults;
  private TuningView tuningView;
  private AlarmNotifier notifier;
  private Page restorePage = Page.OVERVIEW;
  private final OperatorIdentity operator;
  private EnrollmentsViewModel enrollments;
  private TuningViewModel tuning;
  private AbExperimentViewModel abExperiment;
  private AbCurvesViewModel abCurves;
  private Function<Window, Path> bundleTarget;
  private Rectangle2D normalBounds;

  /** Used by {@link Application#launch}: takes the options that {@link #run} stored. */
  public FlotillaConsoleApp() {
    this(Objects.requireNonNull(LAUNCH_OPTIONS.get(), "use FlotillaConsoleApp.run(options) to launch"),
        Objects.requireNonNullElseGet(LAUNCH_OPERATOR.get(), OperatorIdentity::localAdmin));
  }

  public FlotillaConsoleApp(ConsoleOptions options) {
    this(options, OperatorIdentity.localAdmin());
  }

  /** A console whose operator commands are checked against {@code operator}'s role (and audited). */
  public FlotillaConsoleApp(ConsoleOptions options, OperatorIdentity operator) {
    this.operator = Objects.requireNonNull(operator, "operator");
    this.options = Objects.requireNonNull(options, "options");
    this.settingsStore = options.settingsFile() == null ? null : new SettingsStore(options.settingsFile());
  }

  /** Opens the console and returns when its window is closed. Call once per JVM, not on the FX thread. */
  public static void run(ConsoleOptions options) {
    LAUNCH_OPTIONS.set(Objects.requireNonNull(options, "options"));
    Application.launch(FlotillaConsoleApp.class);
  }

  /** As {@link #run(ConsoleOptions)}, acting as {@code operator}. */
  public static void run(ConsoleOptions options, OperatorIdentity operator) {
    LAUNCH_OPERATOR.set(Objects.requireNonNull(operator, "operator"));
    run(options);
  }

  /** Where the Enrollments page's "Export bundle" writes (a file chooser unless set). Before start. */
  public void setBundleTarget(Function<Window, Path> target) {
    bundleTarget = target;
  }

  /**
   * Where the Models page's "Export" writes (a file chooser unless set; tests give a fixed path). Call
   * before the window starts.
   */
  public void setExportTarget(BiFunction<Window, ModelVersionRow, Path> target) {
    exportTarget = target;
  }

  /** Reads the remembered settings off the FX thread, before the window opens. */
  @Override
  public void init() {
    if (settingsStore != null) {
      settings = settingsStore.load();
    }
  }

  @Override
  public void start(Stage primary) {
    this.stage = primary;
    if (settingsStore != null && settings == ConsoleSettings.DEFAULTS) {
      // TestFX does not always call init(); a tiny JSON read is the only disk access on this thread
      settings = settingsStore.load();
    }
    ConsoleView.Theme theme = settings.dark() ? ConsoleView.Theme.DARK : ConsoleView.Theme.LIGHT;
    theme.apply();
    chartWriter = daemonExecutor("flotilla-console-chart");
    io = daemonExecutor("flotilla-console-io");
    restorePage = Page.parse(settings.page(), Page.OVERVIEW);
    build(options, theme, restorePage);

    scene = new Scene(console.node(), settings.width(), settings.height());
    scene.getStylesheets().add(Objects.requireNonNull(
        FlotillaConsoleApp.class.getResource(STYLESHEET), STYLESHEET).toExternalForm());
    stage.setTitle("Flotilla console");
    stage.setScene(scene);
    stage.setMinWidth(960);
    stage.setMinHeight(600);
    placeWindow();
    stage.show();

    ticker = new Timeline(new KeyFrame(Duration.seconds(1), e -> {
      vm.tick();
      enrollments.tick();
    }));
    ticker.setCycleCount(Animation.INDEFINITE);
    ticker.play();

    // the embedded simulation's compute threads and the JIT compilers yield the CPU to the FX thread (Linux;
    // see BackgroundPriority)
    priority = BackgroundPriority.start(Integer.getInteger("flotilla.console.backgroundNice", BackgroundPriority.NICE),
        java.time.Duration.ofSeconds(2),
        Boolean.parseBoolean(System.getProperty("flotilla.console.lowerJit", "true")));
    openSession(options, vm, restorePage);
    if (options.screenshotDir() != null) {
      new ScreenshotTour(this, options.screenshotDir()).start();
    }
  }

  /** Builds the view model, the pages and the frame for {@code o} (no session yet). FX thread. */
  private void build(ConsoleOptions o, ConsoleView.Theme theme, Page page) {
    SessionInfo planned = SessionInfo.planned(o.simulation());
    vm = new ConsoleViewModel(Platform::runLater, chartWriter, io, EventBridge.DEFAULT_INTERVAL, Clock.systemUTC(),
        planned, TimelineModel.DEFAULT_CAPACITY);
    vm.participants().actor(operator.name());
    vm.calibration().actor(operator.name());
    vm.operator(operator.describe());
    ConsoleViewModel owner = vm;
    faults = new FaultsViewModel(Platform::runLater, io, Clock.systemUTC());
    faults.onInjected(i -> owner.faultInjected(i.describe(), i.fault().participantId()));
    faults.onFailure(owner::operationFailed);
    enrollments = new EnrollmentsViewModel(Platform::runLater, io);
    Extensions extensions = Extensions.load();
    tuning = new TuningViewModel(Platform::runLater, extensions);
    abCurves = new AbCurvesViewModel(Platform::runLater, chartWriter, EventBridge.DEFAULT_INTERVAL);
    abExperiment = new AbExperimentViewModel(Platform::runLater, io, extensions, abCurves::follow);
    abExperiment.onFailure(owner::operationFailed);
    EnrollmentsViewModel enrollmentsModel = enrollments;
    vm.pageProperty().addListener((ob, was, is) -> enrollmentsModel.active(is == Page.ENROLLMENTS));
    drawer = new DetailDrawer();
    ConsoleView frame = new ConsoleView(vm, pages(), drawer, theme);
    console = frame;
    // a persisted federation (--state-dir) is the one federation of that directory: no switching
    frame.setScenarioChooser(o.stateDir() == null ? this::chooseScenario : null, scenarioLabel(o));
    frame.warmUpPages(java.util.EnumSet.allOf(Page.class));
    if (Boolean.parseBoolean(System.getProperty("flotilla.console.renderPrimer", "true"))) {
      frame.drawWhileWarming(java.util.EnumSet.of(Page.PARTICIPANTS, Page.MODELS, Page.AUDIT));
    }
    // the tables that are empty at load build their row cells then, with sample rows, not at their first visit
    frame.primeWhileWarming(Page.OVERVIEW, overviewView::primeTable);
    frame.primeWhileWarming(Page.MODELS, modelsView::primeTable);
    frame.primeWhileWarming(Page.AUDIT, auditView::primeTable);
    // every page stays in the scene while hidden, keeping its styles; the ones that draw do so only while shown
    frame.keepInScene(java.util.EnumSet.allOf(Page.class));
    vm.show(page);
    notifier = new AlarmNotifier(vm.alarms(), this::openAlarm);
    frame.overlay(notifier.node());
  }

  private static String scenarioLabel(ConsoleOptions o) {
    return o.scenario() == null ? "Scenario" : o.scenario();
  }

  /**
   * The transport of a console serving a state directory that has a federation CA: mutual TLS with a server
   * certificate from that CA, every call authenticated, and the enrollment and admin services over the
   * console's own trust store (so the Enrollments page sees remote requests). Fails the load, naming what
   * is missing, when the CA cannot be opened. The trust layer it builds is put in {@code built}.
   */
  static EmbeddedSession.ServerTransport mutualTls(java.nio.file.Path stateDir, java.nio.file.Path passphraseFile,
      java.util.concurrent.atomic.AtomicReference<ConsoleTrust> built) {
    return (spec, store, name) -> {
      ConsoleTrust t = ConsoleTrust.open(store, name, stateDir, passphraseFile, Clock.systemUTC());
      if (!t.federationCa()) {
        throw new IllegalArgumentException("serving " + stateDir + " needs its CA: give the CA passphrase with "
            + "--passphrase-file FILE or FLOTILLA_CA_PASSPHRASE (the log says why it could not be opened)");
      }
      built.set(t);
      java.util.List<String> names = new java.util.ArrayList<>(java.util.List.of("localhost", "127.0.0.1"));
      if (!spec.host().equals("0.0.0.0") && !spec.host().equals("::") && !names.contains(spec.host())) {
        names.add(spec.host());
      }
      return EmbeddedServer.mutualTls(spec, t.serverCredentials(names), t.security(null));
    };
  }

  /** Starts loading {@code o}'s federation and hands it to {@code model} when ready. Any thread. */
  private void openSession(ConsoleOptions o, ConsoleViewModel model, Page page) {
    // a state directory with a federation CA (flotilla ca init) is served over mutual TLS only
    boolean tls = o.serve() != null && o.keepHistory() && ConsoleTrust.hasCa(o.stateDir());
    java.util.concurrent.atomic.AtomicReference<ConsoleTrust> servedTrust = new java.util.concurrent.atomic.AtomicReference<>();
    EmbeddedSession s = tls
        ? EmbeddedSession.openServed(o.simulation(), o.stateDir(), o.serve(),
            mutualTls(o.stateDir(), o.passphraseFile(), servedTrust))
        : o.keepHistory()
        ? EmbeddedSession.openWithHistory(o.simulation(), o.stateDir(), o.serve())
        : EmbeddedSession.open(o.simulation(), o.serve());
    session = s;
    if (stopped) { // the window closed while the previous session was closing
      s.close();
      return;
    }
    s.loaded().whenComplete((ready, error) -> {
      if (error != null) {
        model.sessionFailed(error);
        return;
      }
      InProcessSimulation sim = ready.simulation();
      FaultsViewModel simFaults = faults;
      Platform.runLater(() -> simFaults.attach(sim.faults()));
      FederationHistory history = ready.history();
      // operator commands are role-checked; with a store, also audited and with an enrollment queue
      ConsoleTrust trust = servedTrust.get() != null ? servedTrust.get() : s.store().join() == null ? null
          : ConsoleTrust.open(s.store().join(), sim.federation().config().name(), o.stateDir(), o.passphraseFile(),
              Clock.systemUTC());
      GovernedFederation fed = operator.govern(sim.federation(), trust);
      EnrollmentsViewModel enrollmentsModel = enrollments;
      TuningViewModel tuningModel = tuning;
      AbExperimentViewModel abModel = abExperiment;
      Platform.runLater(() -> {
        if (trust != null) {
          enrollmentsModel.attach(trust, fed);
        }
        tuningModel.attach(fed, SessionInfo.planned(o.simulation()).strategy(), operator.name());
        abModel.attach(o.simulation(), () -> tuningModel.current("strategy"), o.serve() == null ? null
            : "this federation is served to participant processes (--serve); an A/B experiment splits an "
            + "in-process simulation's participants, and remote ones cannot be re-assigned to arms",
            new ExperimentAudit(fed, trust, Clock.systemUTC()));
      });
      model.sessionReady(fed, history,
          SessionInfo.planned(o.simulation()).loaded(sim.federation().config().name(), sim.dataDescription()),
          o.autoStart());
      if (ready.server() != null) {
        String address = ready.server().dialAddress();
        model.serving(address);
        // the command line a participant process needs to join (printed for the operator to copy)
        System.out.println(tls
            ? "flotilla console: serving the federation to participants on " + address + " over mutual TLS with the CA "
                + "of " + o.stateDir() + "; create a bundle on the Enrollments page (name: the participant to play, "
                + "e.g. p03), then join with:\n  " + JoinCommand.enrolled(o.simulation())
            : "flotilla console: serving the federation to participants on "
                + o.serve() + " (plaintext); join with:\n  " + JoinCommand.of(o.simulation(), address));
        System.out.flush();
      }
      Platform.runLater(() -> {
        if (page.needsHistory() && history != null) {
          model.show(page);
        }
      });
    });
  }

  // ------------------------------------------------------------------ scenarios

  /** Opens the scenario chooser; the chosen scenario replaces the running federation. FX thread. */
  void chooseScenario() {
    ScenarioChooser.show(stage, new ScenarioCatalog(), io, options.scenario(), this::switchTo,
        (title, text) -> vm.operationFailed(title, text));
  }

  /**
   * Replaces the running federation with {@code r}'s: the current one is stopped and closed (its server
   * too), then the new one loads in a fresh set of pages. FX thread.
   */
  public void switchTo(ScenarioCatalog.Resolved r) {
    // a switched-to federation waits for Start: the operator has just chosen it and may want to look first
    ConsoleOptions next = options.withScenario(r.name(), r.config()).withAutoStart(false);
    options = next;
    Page page = vm.pageProperty().get();
    ConsoleView.Theme theme = console.theme();
    vm.close();
    tuning.close();
    abExperiment.close();
    abCurves.close();
    drawer.close();
    EmbeddedSession old = session;
    build(next, theme, page);
    scene.setRoot(console.node());
    if (r.note() != null) {
      vm.notice("Scenario " + r.name(), r.note());
    }
    ConsoleViewModel model = vm;
    // the old server must release its port before the new one binds it
    (old == null ? java.util.concurrent.CompletableFuture.<Void>completedFuture(null) : old.closeAsync())
        .whenComplete((v, e) -> openSession(next, model, page));
  }

  /** What the window runs now. FX thread. */
  public ConsoleOptions options() {
    return options;
  }

  private static ExecutorService daemonExecutor(String name) {
    return Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    });
  }

  private Map<Page, Node> pages() {
    Map<Page, Node> pages = new EnumMap<>(Page.class);
    // the pages that draw (canvases, charts) draw only while shown: hidden pages stay in the scene (keepInScene)
    overviewView = new OverviewView(vm.overview(), vm.loadingProperty())
        .drawOnlyWhile(vm.pageProperty().isEqualTo(Page.OVERVIEW))
        .holdWhileHidden(vm.pageProperty().isEqualTo(Page.OVERVIEW));
    OverviewTiles tiles = new OverviewTiles(vm.roundNumberTextProperty(), vm.phaseTextProperty(), vm.overview(),
        vm.participants().headlineProperty(), vm.participants().breakdownProperty(), vm.alarms(), this::openAlarms);
    BorderPane overviewPage = new BorderPane(overviewView.node());
    BorderPane.setMargin(tiles.node(), new Insets(14, 14, 0, 14));
    overviewPage.setTop(tiles.node());
    pages.put(Page.OVERVIEW, overviewPage);
    timelineView = new TimelineView(vm.timeline(), this::openRound)
        .drawOnlyWhile(vm.pageProperty().isEqualTo(Page.TIMELINE));
    pages.put(Page.TIMELINE, timelineView.node());
    // the columns the operator chose: from the previous scenario's table, else from the saved settings
    List<String> hidden = participantsView != null ? participantsView.hiddenColumns()
        : settings.participantsHiddenColumns();
    participantsView = new ParticipantsView(vm.participants(), this::openParticipant);
    if (hidden != null) {
      participantsView.hideColumns(hidden);
    }
    pages.put(Page.PARTICIPANTS, participantsView.node());
    // hidden tables hold their rows' changes (the pages stay in the scene): the participants' rows while
    // neither their page nor a participant's details are shown, the other tables while their page is hidden
    vm.pageProperty().addListener((o, was, is) -> participantsLive());
    drawer.subjectProperty().addListener((o, was, is) -> participantsLive());
    participantsLive();
    pages.put(Page.LEARNING, new LearningView(vm.learning(), abCurves)
        .drawOnlyWhile(vm.pageProperty().isEqualTo(Page.LEARNING)).node());
    modelsView = new ModelsView(vm.models(), exportTarget, this::openVersion);
    pages.put(Page.MODELS, modelsView.node());
    auditView = new AuditView(vm.audit());
    pages.put(Page.AUDIT, auditView.node());
    driftView = new DriftView(vm.drift(), this::openParticipantById)
        .drawOnlyWhile(vm.pageProperty().isEqualTo(Page.DRIFT));
    pages.put(Page.DRIFT, driftView.node());
    pages.put(Page.CALIBRATION, new CalibrationView(vm.calibration(), this::openParticipantById).node());
    pages.put(Page.FAULTS, new FaultsView(faults).node());
    pages.put(Page.ENROLLMENTS, new EnrollmentsView(enrollments, bundleTarget, vm.serverAddressProperty()).node());
    tuningView = new TuningView(tuning, abExperiment);
    pages.put(Page.TUNING, tuningView.node());
    vm.timeline().detailsProperty().addListener((o, was, d) -> {
      if (d != null && ("round:" + d.roundId()).equals(drawer.subject())) {
        drawer.replace(RoundDetailsPane.of(d, tuning.strategyFor(d.roundId()), this::openParticipantById));
      }
    });
    return pages;
  }

  private void placeWindow() {
    if (settings.hasPosition() && !Screen.getScreensForRectangle(settings.x(), settings.y(), 100, 40).isEmpty()) {
      stage.setX(settings.x());
      stage.setY(settings.y());
    } else {
      stage.centerOnScreen();
    }
    stage.setMaximized(settings.maximized());
    // remember the last size and place the window had while not maximised
    Runnable track = () -> {
      if (!stage.isMaximized() && !stage.isIconified()) {
        normalBounds = new Rectangle2D(stage.getX(), stage.getY(), stage.getWidth(), stage.getHeight());
      }
    };
    stage.xProperty().addListener((o, a, b) -> track.run());
    stage.yProperty().addListener((o, a, b) -> track.run());
    stage.widthProperty().addListener((o, a, b) -> track.run());
    stage.heightProperty().addListener((o, a, b) -> track.run());
  }

  // ------------------------------------------------------------------ drawer

  /** Opens a round's details in the drawer (from the timeline, a participant, an alarm). */
  void openRound(long roundId) {
    RoundDetails d = vm.timeline().model().details(roundId);
    if (d == null) {
      drawer.show("Round " + roundId, muted("This round is no longer in the timeline's history."), "round:" + roundId,
          null);
      return;
    }
    if (vm.timeline().selectedRoundProperty().get() != roundId) {
      vm.timeline().select(roundId);
    }
    drawer.show("Round " + roundId, RoundDetailsPane.of(d, tuning.strategyFor(d.roundId()), this::openParticipantById),
        "round:" + roundId, () -> vm.timeline().select(-1));
  }

  void openParticipantById(String id) {
    ParticipantRow r = vm.participants().find(id);
    if (r != null) {
      openParticipant(r);
    }
  }

  void openParticipant(ParticipantRow r) {
    drawer.show("Participant " + r.id(), ParticipantDetailsPane.of(r, vm.timeline().model().history(r.id(), 50),
        () -> showInTimeline(r.id()), this::openRound), "participant:" + r.id(), null);
  }

  /**
   * The participants' rows tell their listeners of changes at once only while someone looks at them: the
   * Participants page, or a participant's details in the drawer (see
   * {@link io.flotilla.console.app.participants.ParticipantsViewModel#liveRows}).
   */
  private void participantsLive() {
    vm.participants().liveRows(vm.pageProperty().get() == Page.PARTICIPANTS
        || (drawer.subject() instanceof String s && s.startsWith("participant:")));
  }

  private void showInTimeline(String participantId) {
    vm.show(Page.TIMELINE);
    vm.timeline().revealParticipant(participantId, timelineView.lanePitch());
    timelineView.invalidate();
  }

  void openVersion(ModelVersionRow row) {
    drawer.show("Model version " + row.version(), ModelsView.details(row), "version:" + row.version(), null);
  }

  private void openAlarm(Alarm a) {
    if (a.participantId() != null) {
      openParticipantById(a.participantId());
    } else if (a.roundId() > 0) {
      openRound(a.roundId());
    }
  }

  private void openAlarms() {
    VBox list = new VBox(10);
    list.setId("alarmList");
    list.getStyleClass().add("details");
    if (vm.alarms().isEmpty()) {
      list.getChildren().add(muted("No alarms: no round aborted, no participant suspended."));
    }
    for (Alarm a : vm.alarms().subList(0, Math.min(100, vm.alarms().size()))) {
      Hyperlink title = new Hyperlink(a.title());
      title.getStyleClass().add(a.severity() == Alarm.Severity.ERROR ? Styles.DANGER : Styles.WARNING);
      title.setOnAction(e -> openAlarm(a));
      Label when = new Label(Units.clockMillis(a.time()));
      when.getStyleClass().addAll(Styles.TEXT_SMALL, Styles.TEXT_MUTED);
      Label text = new Label(a.text());
      text.setWrapText(true);
      text.getStyleClass().add(Styles.TEXT_SMALL);
      list.getChildren().add(new VBox(1, title, when, text));
    }
    drawer.show("Alarms (" + vm.alarms().size() + ")", list, "alarms", null);
  }

  private static Label muted(String text) {
    Label l = new Label(text);
    l.setWrapText(true);
    l.getStyleClass().add(Styles.TEXT_MUTED);
    return l;
  }

  // ------------------------------------------------------------------ accessors (tests, screenshots)

  /** The window's scene (for screenshots and tests). FX thread. */
  public Scene scene() {
    return scene;
  }

  /** The window's view model. FX thread. */
  public ConsoleViewModel viewModel() {
    return vm;
  }

  /**
   * Whether the console has settled after loading: the Models and Audit lists have loaded once, no page is
   * being warmed (a warm-up changes the page holder's children for a pulse) and no page switch is between
   * its two pulses. Tests wait for it before they look nodes up, which TestFX does off the FX thread. FX
   * thread.
   */
  public boolean settled() {
    return vm != null && console != null && vm.models().firstLoadDone() && vm.audit().firstLoadDone()
        && !console.warming() && !console.switching();
  }

  /** The window frame (theme, drawer). FX thread. */
  public ConsoleView consoleView() {
    return console;
  }

  public TimelineView timelineView() {
    return timelineView;
  }

  public ParticipantsView participantsView() {
    return participantsView;
  }

  public TuningView tuningView() {
    return tuningView;
  }

  public EnrollmentsViewModel enrollments() {
    return enrollments;
  }

  public TuningViewModel tuning() {
    return tuning;
  }

  /** The Tuning page's A/B experiment. FX thread. */
  public AbExperimentViewModel abExperiment() {
    return abExperiment;
  }

  /** The Learning page's A/B overlay. FX thread. */
  public AbCurvesViewModel abCurves() {
    return abCurves;
  }

  public ModelsView modelsView() {
    return modelsView;
  }

  public DriftView driftView() {
    return driftView;
  }

  /** The Simulator page's model (fault injection). FX thread. */
  public FaultsViewModel faults() {
    return faults;
  }

  /** The background-priority keeper of this window (for the responsiveness measurement). */
  public BackgroundPriority backgroundPriority() {
    return priority;
  }

  /** Notifications shown so far. FX thread. */
  public AlarmNotifier notifier() {
    return notifier;
  }

  /** Stops the ticker, event delivery and chart writes, closes the simulation, and saves the settings. */
  @Override
  public void stop() {
    stopped = true;
    if (priority != null) {
      priority.close();
    }
    if (ticker != null) {
      ticker.stop();
    }
    if (vm != null) {
      vm.close();
      tuning.close();
      abExperiment.close();
      abCurves.close();
    }
    if (session != null) {
      session.close();
    }
    if (chartWriter != null) {
      chartWriter.shutdownNow();
    }
    if (io != null) {
      io.shutdownNow();
    }
    saveSettings();
  }

  private void saveSettings() {
    if (settingsStore == null || stage == null || console == null) {
      return;
    }
    ConsoleSettings s = settings;
    Rectangle2D b = normalBounds;
    if (b != null) {
      s = s.withBounds(b.getMinX(), b.getMinY(), b.getWidth(), b.getHeight(), stage.isMaximized());
    }
    s = s.withDark(console.theme() == ConsoleView.Theme.DARK).withPage(vm.pageProperty().get().name());
    if (participantsView != null) {
      s = s.withParticipantsHiddenColumns(participantsView.hiddenColumns());
    }
    ConsoleSettings toSave = s;
    settings = s;
    // not a daemon: the JVM waits for the few bytes to reach the disk
    Thread t = new Thread(() -> settingsStore.save(toSave), "flotilla-console-settings");
    t.start();
  }
}
