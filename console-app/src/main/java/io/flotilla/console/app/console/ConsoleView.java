package io.flotilla.console.app.console;

import atlantafx.base.controls.Spacer;
import atlantafx.base.theme.PrimerDark;
import atlantafx.base.theme.PrimerLight;
import atlantafx.base.theme.Styles;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import javafx.application.Application;
import javafx.beans.binding.Bindings;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.collections.ListChangeListener;
import javafx.geometry.Orientation;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.Parent;
import javafx.scene.Scene;
import javafx.scene.control.Alert;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonBar;
import javafx.scene.control.ButtonType;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.Separator;
import javafx.scene.control.ToggleButton;
import javafx.scene.control.ToggleGroup;
import javafx.scene.control.Tooltip;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyCodeCombination;
import javafx.scene.input.KeyCombination;
import javafx.scene.input.KeyEvent;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;
import javafx.stage.Window;
import org.kordamp.ikonli.Ikon;
import org.kordamp.ikonli.javafx.FontIcon;
import org.kordamp.ikonli.materialdesign2.MaterialDesignA;
import org.kordamp.ikonli.materialdesign2.MaterialDesignB;
import org.kordamp.ikonli.materialdesign2.MaterialDesignC;
import org.kordamp.ikonli.materialdesign2.MaterialDesignF;
import org.kordamp.ikonli.materialdesign2.MaterialDesignL;
import org.kordamp.ikonli.materialdesign2.MaterialDesignP;
import org.kordamp.ikonli.materialdesign2.MaterialDesignS;
import org.kordamp.ikonli.materialdesign2.MaterialDesignT;
import org.kordamp.ikonli.materialdesign2.MaterialDesignV;
import org.kordamp.ikonli.materialdesign2.MaterialDesignW;

/**
 * The console window's frame around the pages: the left navigation rail (one entry per page that works for
 * this federation; Ctrl+1…9 and Ctrl+0 switch to the first ten pages, Ctrl+PageDown/PageUp step through all), the top bar (federation name, state chip, round and phase,
 * Start / Pause-Resume / Stop, theme toggle), the details drawer on the right, and the status bar (embedded
 * data description, progress of long operations, events per second, last commit). Escape closes the
 * drawer; Ctrl+D switches between light and dark.
 *
 * <p>Stable ids for tests and tools: {@code #start}, {@code #pause}, {@code #stop}, {@code #stateChip},
 * {@code #round}, {@code #theme}, {@code #status}, {@code #busy}, {@code #busyText}, {@code #eventsRate},
 * {@code #lastCommit}, and {@code #navOverview}, {@code #navTimeline}, … one per page.
 *
 * <p>Thread-safety: build and use on the FX thread only.
 */
public final class ConsoleView {
  /** Light or dark, AtlantaFX Primer. */
  public enum Theme {
    LIGHT,
    DARK;

    /** Installs this theme application-wide. FX thread. */
    public void apply() {
      Application.setUserAgentStylesheet(this == LIGHT
          ? new PrimerLight().getUserAgentStylesheet()
          : new PrimerDark().getUserAgentStylesheet());
    }
  }

  private final ConsoleViewModel vm;
  private final Map<Page, Node> pageNodes;
  private final DetailDrawer drawer;
  private final BorderPane root = new BorderPane();
  /** The scene's root: the frame, with overlays (the alarm toast) stacked above it. */
  private final StackPane layers = new StackPane(root);
  private final StackPane pageHolder = new PageHolder();
  private final VBox nav = new VBox(4);
  private final ToggleGroup navGroup = new ToggleGroup();
  private final Map<Page, ToggleButton> navButtons = new EnumMap<>(Page.class);
  private final ObjectProperty<Theme> theme = new SimpleObjectProperty<>();
  private java.util.Set<Page> warmable = java.util.EnumSet.noneOf(Page.class);
  private java.util.Set<Page> keptPages = java.util.EnumSet.noneOf(Page.class);
  /** Per page, what fills its empty tables for its warm-up pulse (see {@link #primeWhileWarming}). */
  private final Map<Page, java.util.function.Supplier<Runnable>> primers = new EnumMap<>(Page.class);
  /** Warm-up chains in progress (see {@link #warming}). */
  private int warmChains;
  /** Page switches between their two pulses (see {@link #showPage}). */
  private int staging;
  private static final boolean STAGED = Boolean.parseBoolean(System.getProperty("flotilla.console.stagedSwitch", "true"));
  private static final String KEYS = "flotilla.console.keys";
  private final Button scenario = new Button("Scenario", new FontIcon(MaterialDesignF.FOLDER_OPEN_OUTLINE));
  private Runnable scenarioChooser;
  private final Tooltip scenarioTip = new Tooltip("Run another scenario (Ctrl+O)");

  /**
   * @param pages the node of each page; a page is listed in the rail when the view model lists it
   * @param drawer the details drawer the pages open
   */
  public ConsoleView(ConsoleViewModel vm, Map<Page, Node> pages, DetailDrawer drawer, Theme initial) {
    this.vm = vm;
    this.pageNodes = new EnumMap<>(pages);
    this.drawer = Objects.requireNonNull(drawer, "drawer");
    theme.set(initial);
    theme.addListener((o, was, is) -> is.apply());
    root.getStyleClass().add("console");
    layers.getStyleClass().add("console-layers");
    BorderPane main = new BorderPane(pageHolder);
    main.setTop(topBar());
    main.setRight(drawer.node());
    pageHolder.getStyleClass().add("page-holder");
    root.setLeft(rail());
    root.setCenter(main);
    root.setBottom(statusBar());
    vm.pageProperty().addListener((o, was, is) -> showPage(is));
    showPage(vm.pageProperty().get());
    root.sceneProperty().addListener((o, was, is) -> {
      if (is != null) {
        installKeys(is);
        javafx.application.Platform.runLater(this::warmUp);
      }
    });
  }

  /**
   * Builds every page's skins once, while the console is still loading, so that the first visit of a page
   * during a run does not stall the FX thread creating table and chart skins (a first visit cost 60–300 ms
   * of CSS and layout; a later one a fraction of it). One page at a time joins the scene hidden, behind the
   * page on screen, goes through one real pulse (CSS and layout, not drawn) and then stays there, hidden,
   * if it is kept in the scene (see {@link #keepInScene}), or leaves. A
   * pulse, not a direct {@code applyCss()} and {@code layout()}: a chart-fx chart locks its data sets before
   * its layout and unlocks them in the same pulse's post-layout phase, which a chart laid out outside a pulse
   * and then taken out of the scene never reaches (its writer would wait forever). A page's tables that are
   * still empty are filled with sample rows for that pulse (see {@link #primeWhileWarming}), and its charts
   * draw once ({@link PageChart#drawing}). Only the pages given to {@link #warmUpPages} take part; a page
   * already in the scene is left as it is. FX thread; returns at once.
   */
  public void warmUp() {
    if (!renderPrimed) {
      renderPrimed = true;
      RenderPrimer.prime(RENDER_PRIMES);
    }
    java.util.ArrayDeque<Page> queue = new java.util.ArrayDeque<>();
    for (Page p : pageNodes.keySet()) {
      if (warmable.contains(p)) {
        queue.add(p);
      }
    }
    warmChains++;
    warmNext(queue);
  }

  /** Pages also drawn once, into a snapshot, while warmed (see {@link #drawWhileWarming}). */
  private java.util.Set<Page> renderWarmed = java.util.EnumSet.noneOf(Page.class);

  /**
   * Pages that are drawn once, into an off-screen snapshot, at the end of their warm-up pulse, with the sample
   * rows their primer gave them: the renderer then meets their text and shapes while the console loads, and
   * the JIT compiles the branches they take (see {@link RenderPrimer}) before their first visit. Only pages
   * without chart-fx charts: a snapshot lays its node out outside a pulse, which a chart-fx chart does not
   * survive (see {@link #warmUp}). FX thread.
   */
  public void drawWhileWarming(java.util.Set<Page> pages) {
    renderWarmed = java.util.EnumSet.noneOf(Page.class);
    renderWarmed.addAll(pages);
  }

  /** Draws parked page {@code n} once into a snapshot and parks it again. FX thread. */
  private static void drawOnce(Node n) {
    park(n, false);
    try {
      javafx.scene.SnapshotParameters params = new javafx.scene.SnapshotParameters();
      params.setFill(javafx.scene.paint.Color.TRANSPARENT);
      n.snapshot(params, null);
    } finally {
      park(n, true);
    }
  }

  /** Snapshots of {@link RenderPrimer}'s shapes taken at the first warm-up (0 with {@code -Dflotilla.console.renderPrimer=false}). */
  private static final int RENDER_PRIMES =
      Boolean.parseBoolean(System.getProperty("flotilla.console.renderPrimer", "true")) ? 3 : 0;
  private boolean renderPrimed;

  /**
   * Whether pages are being warmed right now (each warm changes the page holder's children for a pulse;
   * tests wait until it is done before they look nodes up off the FX thread). FX thread.
   */
  public boolean warming() {
    return warmChains > 0;
  }

  private void warmNext(java.util.ArrayDeque<Page> queue) {
    Scene scene = root.getScene();
    Page p = queue.poll();
    if (p == null || scene == null) {
      warmChains--;
      return;
    }
    Node n = pageNodes.get(p);
    if (p == vm.pageProperty().get() || pageHolder.getChildren().contains(n)) {
      warmNext(queue);
      return;
    }
    park(n, true);
    java.util.function.Supplier<Runnable> primer = primers.get(p);
    Runnable unprime = primer == null ? null : primer.get();
    pageHolder.getChildren().add(0, n);
    Runnable[] afterLayout = new Runnable[1];
    afterLayout[0] = () -> {
      scene.removePostLayoutPulseListener(afterLayout[0]);
      // after this pulse has finished (chart-fx unlocks its data sets in its own post-layout hook)
      javafx.application.Platform.runLater(() -> {
        if (renderWarmed.contains(p)) {
          drawOnce(n);
        }
        if (unprime != null) {
          unprime.run();
        }
        if (vm.pageProperty().get() == p) {
          park(n, false);
        } else if (keptPages.contains(p)) {
          park(n, true); // it stays in the scene, hidden
        } else {
          pageHolder.getChildren().remove(n);
          park(n, false);
        }
        warmNext(queue);
      });
    };
    scene.addPostLayoutPulseListener(afterLayout[0]);
    javafx.application.Platform.requestNextPulse();
  }

  public Parent node() {
    return layers;
  }

  /** The node of page {@code p}, or null when the console has no such page (tests and diagnostics). */
  public Node pageNode(Page p) {
    return pageNodes.get(p);
  }

  /**
   * Lays {@code n} over the whole window, bottom right, above the status bar (the alarm notifications'
   * toast). The node keeps its preferred size; the rest of the window stays clickable. FX thread.
   */
  public void overlay(Node n) {
    Objects.requireNonNull(n, "overlay node");
    StackPane.setAlignment(n, Pos.BOTTOM_RIGHT);
    StackPane.setMargin(n, new javafx.geometry.Insets(0, 16, 44, 0));
    layers.getChildren().add(n);
  }

  /**
   * The pages that stay in the scene, hidden, while another page is shown (see {@link #showPage}); the
   * others leave it. A kept page must do no work while hidden: its canvases and charts draw only while it is
   * shown (a hidden canvas's drawing commands are still rendered on every frame), and its tables hold their
   * rows' changes ({@link NotificationGate}, {@link HeldList}); hidden tables that kept their visible rows
   * current cost the FX thread about 3 % of a core more in the live minute with 1,000 participants, as much
   * as the 25–75 ms of CSS a page paid each time it re-entered the scene. FX thread.
   */
  public void keepInScene(java.util.Set<Page> pages) {
    keptPages = java.util.EnumSet.noneOf(Page.class);
    keptPages.addAll(pages);
  }

  private boolean kept(Node n) {
    for (Page p : keptPages) {
      if (pageNodes.get(p) == n) {
        return true;
      }
    }
    return false;
  }

  /**
   * Gives page {@code p} something to show in its warm-up pulse: {@code primer} fills the page's tables with
   * sample rows and returns what puts their real rows back, which runs once the pulse is over. A table that
   * is empty while warmed builds no row cells, and its first visit then creates them all, and matches their
   * styles, in one frame (60–95 ms for the Overview's, Models' and Audit's tables in the live minute). Row
   * cells built once stay with the table, and real rows reuse them. FX thread.
   */
  public void primeWhileWarming(Page p, java.util.function.Supplier<Runnable> primer) {
    primers.put(p, Objects.requireNonNull(primer, "primer"));
  }

  /** The pages {@link #warmUp} lays out before their first visit. */
  public void warmUpPages(java.util.Set<Page> pages) {
    warmable = java.util.EnumSet.noneOf(Page.class);
    warmable.addAll(pages);
  }

  /**
   * Shows the top bar's scenario button, labelled {@code label}, which runs {@code chooser} (also on
   * Ctrl+O); a null chooser hides it. FX thread.
   */
  public void setScenarioChooser(Runnable chooser, String label) {
    scenarioChooser = chooser;
    scenario.setText(label);
    scenarioTip.setText("Scenario: " + label + ". Run another (Ctrl+O)");
    scenario.setVisible(chooser != null);
    scenario.setManaged(chooser != null);
  }

  public Theme theme() {
    return theme.get();
  }

  /** The theme in use; setting it switches the whole application. */
  public ObjectProperty<Theme> themeProperty() {
    return theme;
  }

  public DetailDrawer drawer() {
    return drawer;
  }

  /**
   * Hides a page that stays in the scene, or shows it again. Hidden is not enough: JavaFX repaints the area
   * of every change in the scene graph, visible or not, so a hidden page whose table or labels change would
   * have the page on screen repainted (the render thread's time doubled in a live minute). A parked page is
   * also clipped to nothing: Prism intersects the dirty regions of a clipped group's children with its clip,
   * so the page's changes dirty nothing that is drawn.
   */
  private static void park(Node page, boolean parked) {
    page.setVisible(!parked);
    page.setClip(parked ? new javafx.scene.shape.Rectangle(0, 0, 0, 0) : null);
  }

  /**
   * Shows page {@code p}. A page given to {@link #keepInScene}, once shown (or warmed), stays in the scene,
   * parked, when another is shown: a node that leaves the scene loses its styles, and re-matching a page's
   * 500–800 nodes against the theme's selectors on every visit cost 25–75 ms of CSS on the FX thread. Such
   * hidden pages must not keep working for nobody: the views that draw (canvases and charts) draw only while
   * their page is the one shown (see {@link PageChart} and the views' {@code drawOnlyWhile}), and the tables
   * hold their rows' changes until shown (the views' {@code holdWhileHidden}). Showing a kept page is then
   * a repaint.
   *
   * <p>A page is shown in two pulses. In the first it is parked, behind the page on screen: a page not in
   * the scene yet joins it and gets its styles and layout; a kept page, whose views work again from the
   * moment it is the page asked for, takes in what it held while hidden (its tables' rows, its charts'
   * new data, the styles of states its cells had not shown yet). In the next pulse it replaces the old page
   * and is drawn. That work and the software renderer's full repaint of the new page thus fall in two
   * frames instead of one. While the first pulse runs, the old page stays on screen; {@link #switching()}
   * is true until the new page is shown. Before the window is up, it is shown at once.
   */
  private void showPage(Page p) {
    ToggleButton b = navButtons.get(p);
    if (b != null && !b.isSelected()) {
      b.setSelected(true);
    }
    Node n = pageNodes.get(p);
    Scene scene = root.getScene();
    boolean inScene = n != null && pageHolder.getChildren().contains(n);
    if (n == null || scene == null || scene.getWindow() == null || !scene.getWindow().isShowing()
        || (inScene && n.isVisible()) || !STAGED) {
      replacePage(n);
      return;
    }
    if (!inScene) {
      park(n, true);
      pageHolder.getChildren().add(0, n);
    }
    staging++;
    Runnable[] afterLayout = new Runnable[1];
    afterLayout[0] = () -> {
      scene.removePostLayoutPulseListener(afterLayout[0]);
      // after this pulse (chart-fx unlocks its data sets in its own post-layout hook), before the next
      javafx.application.Platform.runLater(() -> {
        staging--;
        if (vm.pageProperty().get() == p) {
          replacePage(n);
        } else if (!kept(n) && pageHolder.getChildren().size() > 1) {
          pageHolder.getChildren().remove(n); // another page was asked for meanwhile; it stages itself
          park(n, false);
        }
      });
    };
    scene.addPostLayoutPulseListener(afterLayout[0]);
    javafx.application.Platform.requestNextPulse();
  }

  /** Whether a page switch is between its two pulses (see {@link #showPage}). FX thread. */
  public boolean switching() {
    return staging > 0;
  }

  /** Makes {@code n} the page on screen: the kept pages stay, parked; the others leave the scene. */
  private void replacePage(Node n) {
    Node shown = n == null ? new Label("No such page") : n;
    pageHolder.getChildren().removeIf(c -> c != shown && !kept(c));
    for (Node c : pageHolder.getChildren()) {
      if (c != shown) {
        park(c, true);
      }
    }
    park(shown, false);
    if (!pageHolder.getChildren().contains(shown)) {
      pageHolder.getChildren().add(shown);
    }
    pageHolder.requestLayout(); // its size follows the page shown (PageHolder)
  }

  /**
   * Holds the page on screen and the parked ones (see {@link #keepInScene}). Sized by the pages that are
   * shown only: a parked page's minimum or preferred size (a wide table's) must not widen the window's
   * layout and push the top bar's controls out of it.
   */
  private static final class PageHolder extends StackPane {
    /** The largest minimum or preferred width or height of the visible pages, plus the insets. */
    private double shownSize(boolean width, boolean min) {
      double max = 0;
      for (Node c : getChildren()) {
        if (c.isManaged() && c.isVisible()) {
          double size = width ? (min ? c.minWidth(-1) : c.prefWidth(-1)) : (min ? c.minHeight(-1) : c.prefHeight(-1));
          max = Math.max(max, size);
        }
      }
      javafx.geometry.Insets in = getInsets();
      return max + (width ? in.getLeft() + in.getRight() : in.getTop() + in.getBottom());
    }

    @Override
    protected double computeMinWidth(double height) {
      return shownSize(true, true);
    }

    @Override
    protected double computeMinHeight(double width) {
      return shownSize(false, true);
    }

    @Override
    protected double computePrefWidth(double height) {
      return shownSize(true, false);
    }

    @Override
    protected double computePrefHeight(double width) {
      return shownSize(false, false);
    }
  }

  // ------------------------------------------------------------------ keys

  private void installKeys(Scene scene) {
    // a scene that showed another frame before (the console switched scenario) drops that frame's keys
    Object previous = scene.getProperties().get(KEYS);
    if (previous instanceof javafx.event.EventHandler<?> h) {
      @SuppressWarnings("unchecked")
      javafx.event.EventHandler<KeyEvent> old = (javafx.event.EventHandler<KeyEvent>) h;
      scene.removeEventFilter(KeyEvent.KEY_PRESSED, old);
    }
    javafx.event.EventHandler<KeyEvent> keys = e -> {
      if (e.isShortcutDown() && !e.isShiftDown() && !e.isAltDown()) {
        int digit = digit(e.getCode());
        if (digit >= 1 && digit <= vm.pages().size()) {
          vm.show(vm.pages().get(digit - 1));
          e.consume();
          return;
        }
        if (e.getCode() == KeyCode.PAGE_DOWN || e.getCode() == KeyCode.PAGE_UP) {
          // more pages than digits: Ctrl+PageDown / Ctrl+PageUp step through the rail, wrapping around
          var list = vm.pages();
          int at = Math.max(0, list.indexOf(vm.pageProperty().get()));
          int step = e.getCode() == KeyCode.PAGE_DOWN ? 1 : list.size() - 1;
          vm.show(list.get((at + step) % list.size()));
          e.consume();
          return;
        }
      }
      if (e.getCode() == KeyCode.ESCAPE && drawer.showingProperty().get()) {
        drawer.close();
        e.consume();
      }
    };
    scene.getProperties().put(KEYS, keys);
    scene.addEventFilter(KeyEvent.KEY_PRESSED, keys);
    scene.getAccelerators().put(new KeyCodeCombination(KeyCode.D, KeyCombination.SHORTCUT_DOWN), this::toggleTheme);
    scene.getAccelerators().put(new KeyCodeCombination(KeyCode.O, KeyCombination.SHORTCUT_DOWN), () -> {
      if (scenarioChooser != null) {
        scenarioChooser.run();
      }
    });
  }

  private static int digit(KeyCode c) {
    return switch (c) {
      case DIGIT1, NUMPAD1 -> 1;
      case DIGIT2, NUMPAD2 -> 2;
      case DIGIT3, NUMPAD3 -> 3;
      case DIGIT4, NUMPAD4 -> 4;
      case DIGIT5, NUMPAD5 -> 5;
      case DIGIT6, NUMPAD6 -> 6;
      case DIGIT7, NUMPAD7 -> 7;
      case DIGIT8, NUMPAD8 -> 8;
      case DIGIT9, NUMPAD9 -> 9;
      case DIGIT0, NUMPAD0 -> 10;
      default -> -1;
    };
  }

  /** Switches between light and dark. */
  public void toggleTheme() {
    theme.set(theme.get() == Theme.LIGHT ? Theme.DARK : Theme.LIGHT);
  }

  // ------------------------------------------------------------------ rail

  private Node rail() {
    FontIcon logo = new FontIcon(MaterialDesignS.SAIL_BOAT);
    logo.getStyleClass().add("brand-icon");
    Label brand = new Label("Flotilla", logo);
    brand.getStyleClass().add("brand");
    HBox header = new HBox(brand);
    header.setAlignment(Pos.CENTER_LEFT);
    header.getStyleClass().add("rail-header");

    nav.getStyleClass().add("rail-nav");
    vm.pages().addListener((ListChangeListener<Page>) c -> rebuildNav());
    rebuildNav();
    // a click on the selected entry must not leave the rail without a selection
    navGroup.selectedToggleProperty().addListener((o, was, is) -> {
      if (is == null && was != null) {
        was.setSelected(true);
      }
    });

    Label keys = new Label("Ctrl+1…" + Math.min(9, Page.values().length) + " switch pages\nCtrl+D light / dark\n"
        + "Esc closes details");
    keys.getStyleClass().addAll(Styles.TEXT_SMALL, Styles.TEXT_MUTED, "rail-keys");
    VBox rail = new VBox(header, nav, new Spacer(Orientation.VERTICAL), keys);
    rail.getStyleClass().add("rail");
    return rail;
  }

  private void rebuildNav() {
    nav.getChildren().clear();
    navButtons.clear();
    int i = 1;
    for (Page p : vm.pages()) {
      ToggleButton b = new ToggleButton(p.title(), new FontIcon(icon(p)));
      b.setId("nav" + camel(p));
      b.setToggleGroup(navGroup);
      b.setMaxWidth(Double.MAX_VALUE);
      b.setAlignment(Pos.CENTER_LEFT);
      b.getStyleClass().addAll("rail-item", Styles.FLAT);
      b.setTooltip(new Tooltip(p.title() + " (Ctrl+" + i + ")"));
      b.setOnAction(e -> vm.show(p));
      if (p == Page.OVERVIEW) {
        Label badge = new Label();
        badge.setId("alarmBadge");
        badge.getStyleClass().add("rail-badge");
        badge.textProperty().bind(Bindings.size(vm.alarms()).asString());
        badge.visibleProperty().bind(Bindings.isNotEmpty(vm.alarms()));
        badge.managedProperty().bind(badge.visibleProperty());
        badge.setMinWidth(Label.USE_PREF_SIZE);
        Tooltip.install(badge, new Tooltip("Alarms: aborted rounds, suspended participants"));
        b.setContentDisplay(javafx.scene.control.ContentDisplay.LEFT);
        Label text = new Label(p.title());
        text.setMinWidth(Label.USE_PREF_SIZE);
        HBox content = new HBox(10, new FontIcon(icon(p)), text, new Spacer(), badge);
        content.setAlignment(Pos.CENTER_LEFT);
        content.setMaxWidth(Double.MAX_VALUE);
        b.setText(null);
        b.setGraphic(content);
        content.prefWidthProperty().bind(b.widthProperty().subtract(22));
      }
      navButtons.put(p, b);
      nav.getChildren().add(b);
      i++;
    }
    ToggleButton current = navButtons.get(vm.pageProperty().get());
    if (current != null) {
      current.setSelected(true);
    }
  }

  /** TIMELINE → "Timeline", AUDIT → "Audit". */
  static String camel(Page p) {
    String n = p.name();
    return n.charAt(0) + n.substring(1).toLowerCase(java.util.Locale.ROOT);
  }

  private static Ikon icon(Page p) {
    return switch (p) {
      case OVERVIEW -> MaterialDesignV.VIEW_DASHBOARD_OUTLINE;
      case TIMELINE -> MaterialDesignC.CHART_GANTT;
      case PARTICIPANTS -> MaterialDesignA.ACCOUNT_GROUP_OUTLINE;
      case LEARNING -> MaterialDesignC.CHART_BELL_CURVE_CUMULATIVE;
      case MODELS -> MaterialDesignF.FILE_TREE_OUTLINE;
      case AUDIT -> MaterialDesignS.SHIELD_CHECK_OUTLINE;
      case DRIFT -> MaterialDesignB.BLUR;
      case CALIBRATION -> MaterialDesignS.SCALE_BALANCE;
      case FAULTS -> MaterialDesignL.LIGHTNING_BOLT_OUTLINE;
      case ENROLLMENTS -> MaterialDesignA.ACCOUNT_KEY_OUTLINE;
      case TUNING -> MaterialDesignT.TUNE_VARIANT;
    };
  }

  // ------------------------------------------------------------------ top bar

  private Node topBar() {
    Label name = new Label();
    name.setId("federationName");
    name.textProperty().bind(vm.federationNameProperty());
    name.getStyleClass().addAll(Styles.TITLE_4, "federation-name");
    Label summary = new Label();
    summary.textProperty().bind(vm.summaryProperty());
    summary.getStyleClass().addAll(Styles.TEXT_SMALL, Styles.TEXT_MUTED);
    VBox title = new VBox(2, name, summary);
    title.setAlignment(Pos.CENTER_LEFT);

    Label chip = new Label();
    chip.setId("stateChip");
    chip.getStyleClass().add("state-chip");
    Tooltip chipTip = new Tooltip();
    chipTip.textProperty().bind(vm.stateDetailProperty());
    chip.setTooltip(chipTip);
    vm.chipProperty().addListener((o, was, is) -> showChip(chip, is));
    showChip(chip, vm.chipProperty().get());

    Label round = new Label();
    round.setId("round");
    round.textProperty().bind(vm.roundTextProperty());
    round.getStyleClass().add("round-text");

    Button start = new Button("Start", new FontIcon(MaterialDesignP.PLAY));
    start.setId("start");
    start.getStyleClass().add(Styles.ACCENT);
    start.disableProperty().bind(vm.startDisabledProperty());
    start.setOnAction(e -> vm.start());
    start.setTooltip(new Tooltip("Start the round schedule"));

    FontIcon pauseIcon = new FontIcon(MaterialDesignP.PAUSE);
    Button pause = new Button("Pause", pauseIcon);
    pause.setId("pause");
    pause.textProperty().bind(vm.pauseTextProperty());
    vm.pauseTextProperty().addListener((o, was, is) ->
        pauseIcon.setIconCode("Resume".equals(is) ? MaterialDesignP.PLAY : MaterialDesignP.PAUSE));
    pause.disableProperty().bind(vm.pauseDisabledProperty());
    pause.setOnAction(e -> vm.togglePause());
    pause.setTooltip(new Tooltip("Pause lets the current round finish and starts no new one"));

    Button stop = new Button("Stop", new FontIcon(MaterialDesignS.STOP));
    stop.setId("stop");
    stop.getStyleClass().addAll(Styles.DANGER, Styles.BUTTON_OUTLINED);
    stop.disableProperty().bind(vm.stopDisabledProperty());
    stop.setOnAction(e -> confirmStop(stop.getScene() == null ? null : stop.getScene().getWindow()));

    FontIcon themeIcon = new FontIcon(themeIconFor(theme.get()));
    theme.addListener((o, was, is) -> themeIcon.setIconCode(themeIconFor(is)));
    Button themeToggle = new Button(null, themeIcon);
    themeToggle.setId("theme");
    themeToggle.getStyleClass().addAll(Styles.BUTTON_ICON, Styles.FLAT);
    themeToggle.setTooltip(new Tooltip("Switch between light and dark (Ctrl+D)"));
    themeToggle.setOnAction(e -> toggleTheme());

    scenario.setId("scenario");
    scenario.getStyleClass().addAll(Styles.FLAT);
    scenario.setTooltip(scenarioTip);
    scenario.setMinWidth(Region.USE_PREF_SIZE);
    for (Node n : List.of(start, pause, stop, chip)) {
      ((Region) n).setMinWidth(Region.USE_PREF_SIZE); // the title and round text give way, not these
    }
    scenario.setOnAction(e -> {
      if (scenarioChooser != null) {
        scenarioChooser.run();
      }
    });
    scenario.setVisible(false);
    scenario.setManaged(false);

    HBox actions = new HBox(8, start, pause, stop);
    actions.setAlignment(Pos.CENTER);
    HBox bar = new HBox(16, title, chip, round, new Spacer(), scenario, actions,
        new Separator(Orientation.VERTICAL), themeToggle);
    bar.setAlignment(Pos.CENTER_LEFT);
    bar.getStyleClass().add("top-bar");
    return bar;
  }

  private static Ikon themeIconFor(Theme t) {
    return t == Theme.LIGHT ? MaterialDesignW.WEATHER_NIGHT : MaterialDesignW.WHITE_BALANCE_SUNNY;
  }

  private static void showChip(Label chip, ConsoleViewModel.Chip c) {
    StyleClasses.set(chip.getStyleClass(), "state-", c.styleClass(), "state-chip");
    chip.setText(c.text());
  }

  private void confirmStop(Window owner) {
    Alert alert = new Alert(Alert.AlertType.CONFIRMATION);
    alert.initOwner(owner);
    alert.setTitle("Stop federation");
    alert.setHeaderText("Stop \"" + vm.federationNameProperty().get() + "\"?");
    alert.setContentText(vm.stopConsequences());
    ButtonType stopIt = new ButtonType("Stop federation", ButtonBar.ButtonData.OK_DONE);
    ButtonType keep = new ButtonType("Keep running", ButtonBar.ButtonData.CANCEL_CLOSE);
    alert.getButtonTypes().setAll(keep, stopIt);
    Node stopButton = alert.getDialogPane().lookupButton(stopIt);
    stopButton.setId("confirmStop");
    stopButton.getStyleClass().add(Styles.DANGER);
    alert.getDialogPane().lookupButton(keep).setId("cancelStop");
    // non-blocking: show() plus a result handler, no nested event loop
    alert.setOnHidden(e -> {
      if (alert.getResult() == stopIt) {
        vm.stop();
      }
    });
    alert.show();
  }

  // ------------------------------------------------------------------ status bar

  private Node statusBar() {
    Label status = new Label();
    status.setId("status");
    status.textProperty().bind(vm.statusTextProperty());
    status.setGraphic(new FontIcon(MaterialDesignL.LAN_CONNECT));
    status.setMinWidth(0);

    ProgressBar progress = new ProgressBar(ProgressBar.INDETERMINATE_PROGRESS);
    progress.setId("busy");
    progress.setPrefWidth(140);
    progress.getStyleClass().add(Styles.SMALL);
    progress.visibleProperty().bind(vm.busyProperty());
    progress.managedProperty().bind(vm.busyProperty());
    Label busyText = new Label();
    busyText.setId("busyText");
    busyText.textProperty().bind(vm.busyTextProperty());
    busyText.visibleProperty().bind(vm.busyProperty());
    busyText.managedProperty().bind(vm.busyProperty());
    busyText.setMinWidth(Label.USE_PREF_SIZE);

    Label rate = new Label();
    rate.setId("eventsRate");
    rate.textProperty().bind(vm.eventsRateTextProperty());
    rate.setGraphic(new FontIcon(MaterialDesignL.LIGHTNING_BOLT_OUTLINE));
    rate.setMinWidth(Label.USE_PREF_SIZE);

    Label commit = new Label();
    commit.setId("lastCommit");
    commit.textProperty().bind(vm.lastCommitTextProperty());
    commit.setGraphic(new FontIcon(MaterialDesignC.CLOCK_OUTLINE));
    commit.setMinWidth(Label.USE_PREF_SIZE);
    Tooltip commitTip = new Tooltip();
    commitTip.textProperty().bind(Bindings.createStringBinding(() -> vm.lastCommitProperty().get() == null
        ? "No round has committed yet" : vm.lastCommitProperty().get().toString(), vm.lastCommitProperty()));
    commit.setTooltip(commitTip);

    Label operator = new Label();
    operator.setId("operatorRole");
    operator.textProperty().bind(vm.operatorTextProperty());
    operator.setGraphic(new FontIcon(MaterialDesignA.ACCOUNT_KEY_OUTLINE));
    operator.setMinWidth(Label.USE_PREF_SIZE);
    HBox bar = new HBox(16, status, progress, busyText, new Spacer(), operator, rate, commit);
    HBox.setHgrow(status, Priority.SOMETIMES);
    bar.setAlignment(Pos.CENTER_LEFT);
    bar.getStyleClass().add("status-bar");
    return bar;
  }
}
