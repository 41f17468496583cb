package io.flotilla.console.app.participants;

import io.flotilla.console.app.console.CellTip;
import io.flotilla.console.app.console.PseudoStates;
import atlantafx.base.controls.CustomTextField;
import atlantafx.base.theme.Styles;
import atlantafx.base.theme.Tweaks;
import io.flotilla.console.app.format.Units;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.Function;
import javafx.beans.value.ChangeListener;
import javafx.beans.value.ObservableValue;
import javafx.collections.transformation.SortedList;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonBar;
import javafx.scene.control.ButtonType;
import javafx.scene.control.ContextMenu;
import javafx.scene.control.Dialog;
import javafx.scene.control.Label;
import javafx.scene.control.MenuItem;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableRow;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.scene.input.MouseButton;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import org.kordamp.ikonli.javafx.FontIcon;
import org.kordamp.ikonli.materialdesign2.MaterialDesignC;
import org.kordamp.ikonli.materialdesign2.MaterialDesignM;

/**
 * The Participants page: a sortable, filterable table of every participant (identity, device class,
 * state, last heartbeat with CPU load, battery and free memory, rounds selected, success rate, latency,
 * trust, drift indicator; on request from the header's menu also updates accepted, failures, refused
 * updates, strikes and the last answer, which the details pane always shows) with one colour per state and a health dot per row. A click opens the participant in the details drawer
 * (its numbers and its recent rounds).
 *
 * <p>Operator actions on the selected participant (Suspend, Resume, Revoke: buttons above the table and the
 * row's context menu) ask for confirmation and a reason, then go to the federation through the view model;
 * a refusal shows in the page's status line and as an alarm notification.
 *
 * <p>Heartbeat cells are coloured by the participant's telemetry: a heartbeat older than three intervals is
 * {@code telemetry-bad}, a low battery or high load {@code telemetry-warn} (and the row's health dot follows).
 * The drift cell shows the participant's label-histogram divergence from the federation in its last round and
 * is {@code drift-alarm} when the drift monitor flagged it (the row's health is then at least WARN).
 *
 * <p>Ids: {@code #participants} (the table), {@code #colHeartbeat}, {@code #colCpu}, {@code #colBattery},
 * {@code #colMemory}, {@code #colDrift}, {@code #participantFilter}, {@code #participantCounts},
 * {@code #suspendParticipant}, {@code #resumeParticipant}, {@code #revokeParticipant},
 * {@code #participantActionMessage}; in the dialog {@code #actionReason}, {@code #confirmAction},
 * {@code #cancelAction}.
 * Thread-safety: FX thread only.
 */
public final class ParticipantsView {
  private final ParticipantsViewModel vm;
  private final TableView<ParticipantRow> table = new TableView<>();
  private final BorderPane root = new BorderPane();

  /** @param onOpen opens a participant in the details drawer */
  public ParticipantsView(ParticipantsViewModel vm, Consumer<ParticipantRow> onOpen) {
    this.vm = vm;
    buildTable();
    table.setRowFactory(t -> {
      TableRow<ParticipantRow> row = new TableRow<>() {
        private final ChangeListener<ParticipantRow.Health> restyle = (o, was, is) -> restyle();
        private ParticipantRow bound;

        @Override
        protected void updateItem(ParticipantRow item, boolean empty) {
          super.updateItem(item, empty);
          if (bound != null) {
            bound.healthProperty().removeListener(restyle);
          }
          bound = empty ? null : item;
          if (bound != null) {
            bound.healthProperty().addListener(restyle);
          }
          restyle();
        }

        private void restyle() {
          PseudoStates.set(this, "health-", bound == null ? null : bound.healthProperty().get().styleClass());
        }
      };
      ContextMenu menu = new ContextMenu();
      for (OperatorAction a : OperatorAction.values()) {
        MenuItem item = new MenuItem(a.label() + "…");
        item.setOnAction(e -> confirm(a, row.getItem()));
        menu.getItems().add(item);
      }
      menu.setOnShowing(e -> menu.getItems().forEach(i -> i.setDisable(row.getItem() == null
          || !OperatorAction.values()[menu.getItems().indexOf(i)].appliesTo(row.getItem().state()))));
      row.contextMenuProperty().bind(javafx.beans.binding.Bindings.when(row.emptyProperty())
          .then((ContextMenu) null).otherwise(menu));
      row.setOnMouseClicked(e -> {
        if (e.getButton() == MouseButton.PRIMARY && !row.isEmpty()) {
          onOpen.accept(row.getItem());
        }
      });
      return row;
    });

    CustomTextField filter = new CustomTextField();
    filter.setId("participantFilter");
    filter.setPromptText("Filter: id, device, state, good / warn / bad, or drifting");
    filter.setLeft(new FontIcon(MaterialDesignM.MAGNIFY));
    filter.textProperty().bindBidirectional(vm.filterProperty());
    filter.setPrefWidth(320);
    Label counts = new Label();
    counts.setId("participantCounts");
    counts.textProperty().bind(vm.countsProperty());
    counts.getStyleClass().addAll(Styles.TEXT_SMALL, Styles.TEXT_MUTED);
    Label title = new Label("Participants");
    title.getStyleClass().addAll(Styles.TITLE_4, "card-title");
    title.setMinWidth(Label.USE_PREF_SIZE);
    counts.setMinWidth(0);
    Region spacer = new Region();
    HBox.setHgrow(spacer, Priority.ALWAYS);
    HBox header = new HBox(12, title, counts, spacer, filter);
    header.setAlignment(Pos.CENTER_LEFT);
    header.getStyleClass().add("card-header");
    HBox actions = new HBox(8);
    actions.setAlignment(Pos.CENTER_LEFT);
    actions.getStyleClass().add("card-header");
    for (OperatorAction a : OperatorAction.values()) {
      actions.getChildren().add(actionButton(a));
    }
    Label message = new Label();
    message.setId("participantActionMessage");
    message.textProperty().bind(vm.actionMessageProperty());
    message.getStyleClass().addAll(Styles.TEXT_SMALL, Styles.TEXT_MUTED);
    actions.getChildren().add(message);
    VBox card = new VBox(header, actions, table);
    VBox.setVgrow(table, Priority.ALWAYS);
    card.getStyleClass().add("card");
    root.setCenter(card);
    root.getStyleClass().add("page");
  }

  public Node node() {
    return root;
  }

  private Button actionButton(OperatorAction a) {
    Button b = new Button(a.label() + "…");
    b.setId(a.name().toLowerCase(Locale.ROOT) + "Participant");
    b.getStyleClass().add(Styles.SMALL);
    if (a == OperatorAction.REVOKE) {
      b.getStyleClass().add(Styles.DANGER);
    }
    // enabled for a selected participant in a state the action applies to (re-checked as the state changes)
    javafx.beans.binding.BooleanBinding applies = javafx.beans.binding.Bindings.createBooleanBinding(() -> {
      ParticipantRow r = table.getSelectionModel().getSelectedItem();
      return r != null && a.appliesTo(r.state());
    }, table.getSelectionModel().selectedItemProperty(), vm.changesProperty());
    b.disableProperty().bind(applies.not());
    b.setOnAction(e -> confirm(a, table.getSelectionModel().getSelectedItem()));
    return b;
  }

  /** Asks for confirmation and a reason, then sends the action. FX thread. */
  public void confirm(OperatorAction a, ParticipantRow row) {
    if (row == null || !a.appliesTo(row.state())) {
      return;
    }
    Dialog<ButtonType> d = new Dialog<>();
    d.initOwner(root.getScene() == null ? null : root.getScene().getWindow());
    d.setTitle(a.label() + " participant");
    d.setHeaderText(a.label() + " " + row.id() + "?");
    Label what = new Label(a.consequence(row.id()));
    what.setWrapText(true);
    what.setMaxWidth(460);
    TextField reason = new TextField();
    reason.setId("actionReason");
    reason.setPromptText("Why? (recorded in the audit log)");
    d.getDialogPane().setContent(new VBox(12, what, new Label("Reason"), reason));
    ButtonType go = new ButtonType(a.label(), ButtonBar.ButtonData.OK_DONE);
    ButtonType cancel = new ButtonType("Cancel", ButtonBar.ButtonData.CANCEL_CLOSE);
    d.getDialogPane().getButtonTypes().setAll(cancel, go);
    Node goButton = d.getDialogPane().lookupButton(go);
    goButton.setId("confirmAction");
    goButton.disableProperty().bind(reason.textProperty().isEmpty());
    if (a != OperatorAction.RESUME) {
      goButton.getStyleClass().add(Styles.DANGER);
    }
    d.getDialogPane().lookupButton(cancel).setId("cancelAction");
    d.setOnShown(e -> reason.requestFocus());
    d.setOnHidden(e -> {
      if (d.getResult() == go) {
        vm.act(a, row.id(), reason.getText());
      }
    });
    d.show();
  }

  public TableView<ParticipantRow> table() {
    return table;
  }

  /** Ids of the table's hidden columns (the console remembers them between runs). */
  public List<String> hiddenColumns() {
    return table.getColumns().stream().filter(c -> !c.isVisible() && c.getId() != null).map(TableColumn::getId)
        .toList();
  }

  /**
   * Shows every column but those whose ids are in {@code hidden} (as saved by {@link #hiddenColumns});
   * unknown ids are ignored. The participant's id column always stays.
   */
  public void hideColumns(java.util.Collection<String> hidden) {
    for (TableColumn<ParticipantRow, ?> c : table.getColumns()) {
      c.setVisible("colId".equals(c.getId()) || !hidden.contains(c.getId()));
    }
  }

  private void buildTable() {
    table.setId("participants");
    SortedList<ParticipantRow> sorted = new SortedList<>(vm.rows());
    table.setItems(sorted);
    // a fresh comparator each time: the sorted list re-sorts even when the sort order has not changed
    table.setSortPolicy(t -> {
      java.util.Comparator<ParticipantRow> c = t.getComparator();
      sorted.setComparator(c == null ? null : (a, b) -> c.compare(a, b));
      return true;
    });
    // values change in place: re-sort at most twice a second, and only when sorted and on screen (rows
    // live: a hidden page's rows hold their changes, and the table sorts once when they are let through)
    javafx.animation.PauseTransition resort = new javafx.animation.PauseTransition(javafx.util.Duration.millis(500));
    resort.setOnFinished(e -> {
      if (!table.getSortOrder().isEmpty() && table.getScene() != null && vm.liveRowsProperty().get()) {
        table.sort();
      }
    });
    vm.liveRowsProperty().addListener((o, was, is) -> {
      if (is && !table.getSortOrder().isEmpty()) {
        table.sort();
      }
    });
    vm.changesProperty().addListener((o, a, b) -> {
      if (resort.getStatus() != javafx.animation.Animation.Status.RUNNING && !table.getSortOrder().isEmpty()) {
        resort.playFromStart();
      }
    });
    table.getStyleClass().addAll(Styles.DENSE, Tweaks.EDGE_TO_EDGE, "participants-table");
    // fixed widths and a horizontal scroll bar when the drawer narrows the page: no "Sel…" headers
    table.setColumnResizePolicy(TableView.UNCONSTRAINED_RESIZE_POLICY);

    TableColumn<ParticipantRow, String> id = new TableColumn<>("Participant");
    id.setId("colId");
    id.setCellValueFactory(c -> new javafx.beans.property.ReadOnlyStringWrapper(c.getValue().id()));
    id.setCellFactory(c -> new IdCell());
    id.setPrefWidth(120);
    TableColumn<ParticipantRow, String> device = text("Device", 90, ParticipantRow::deviceClassProperty);
    device.setId("colDevice");
    TableColumn<ParticipantRow, String> state = text("State", 104, ParticipantRow::stateProperty);
    state.setId("colState");
    state.setCellFactory(c -> new StateCell());
    TableColumn<ParticipantRow, Number> selected = number("Selected", 80, ParticipantRow::selectedProperty,
        v -> Units.count(v.longValue()));
    selected.setId("colSelected");
    TableColumn<ParticipantRow, Number> accepted = number("Accepted", 80, ParticipantRow::acceptedProperty,
        v -> Units.count(v.longValue()));
    TableColumn<ParticipantRow, Number> failures = number("Failures", 76, ParticipantRow::failuresProperty,
        v -> Units.count(v.longValue()));
    TableColumn<ParticipantRow, Number> refused = number("Refused", 72, ParticipantRow::refusedProperty,
        v -> Units.count(v.longValue()));
    TableColumn<ParticipantRow, Number> success = number("Success", 80, ParticipantRow::successRateProperty,
        v -> Units.percent(v.doubleValue()));
    success.setId("colSuccess");
    TableColumn<ParticipantRow, Number> latency = number("Latency", 76, ParticipantRow::latencyProperty,
        v -> Double.isNaN(v.doubleValue()) ? Units.NONE : Units.duration(Math.round(v.doubleValue())));
    latency.setId("colLatency");
    TableColumn<ParticipantRow, Number> trust = number("Trust", 64, ParticipantRow::trustProperty,
        v -> Units.score(v.doubleValue()));
    trust.setId("colTrust");
    TableColumn<ParticipantRow, Number> drift = number("Drift", 70, ParticipantRow::driftProperty,
        v -> Double.isNaN(v.doubleValue()) ? Units.NONE : Units.fixed(v.doubleValue(), 3));
    drift.setId("colDrift");
    drift.setCellFactory(c -> new DriftCell());
    TableColumn<ParticipantRow, Number> strikes = number("Strikes", 64, ParticipantRow::strikesProperty,
        v -> Integer.toString(v.intValue()));
    TableColumn<ParticipantRow, Instant> last = new TableColumn<>("Last answer");
    last.setCellValueFactory(c -> c.getValue().lastAnswerProperty());
    last.setCellFactory(c -> new LastAnswerCell());
    last.setPrefWidth(170);
    last.setComparator((a, b) -> a == null ? (b == null ? 0 : -1) : b == null ? 1 : a.compareTo(b));

    TableColumn<ParticipantRow, Instant> heartbeat = new TableColumn<>("Last heartbeat");
    heartbeat.setId("colHeartbeat");
    heartbeat.setCellValueFactory(c -> c.getValue().lastHeartbeatProperty());
    heartbeat.setCellFactory(c -> new HeartbeatCell());
    heartbeat.setPrefWidth(120);
    heartbeat.setComparator((a, b) -> a == null ? (b == null ? 0 : -1) : b == null ? 1 : a.compareTo(b));
    TableColumn<ParticipantRow, Number> cpu = number("CPU", 64, ParticipantRow::cpuLoadProperty,
        v -> Units.percent(v.doubleValue()));
    cpu.setId("colCpu");
    cpu.setCellFactory(col -> new TelemetryCell(false, (r, v) -> v.doubleValue() > ParticipantRow.HIGH_LOAD));
    TableColumn<ParticipantRow, Number> battery = number("Battery", 80, ParticipantRow::batteryProperty,
        v -> Units.percent(v.doubleValue()));
    battery.setId("colBattery");
    battery.setCellFactory(col -> new TelemetryCell(true,
        (r, v) -> !r.onMains() && !r.charging() && v.doubleValue() < ParticipantRow.LOW_BATTERY));
    TableColumn<ParticipantRow, Number> memory = number("Free memory", 92, ParticipantRow::freeMemoryProperty,
        v -> bytes(v.longValue()));
    memory.setId("colMemory");

    // the columns an operator scans first fit the window: who, state, liveness, speed, reliability, trust,
    // drift; then the device's telemetry and the detailed counts
    table.getColumns().setAll(List.of(id, device, state, heartbeat, latency, selected, success, trust, drift,
        cpu, battery, memory, accepted, failures, refused, strikes, last));
    for (TableColumn<ParticipantRow, ?> c : table.getColumns()) {
      c.setReorderable(false);
      c.setMinWidth(c.getPrefWidth() * 0.8);
    }
    // the detailed counts and the last answer are in the details pane: shown on request (the "+" menu at
    // the right of the header), so that the rest fits a 1280-pixel window and each update restyles 12 cells
    // a row instead of 17
    accepted.setId("colAccepted");
    failures.setId("colFailures");
    refused.setId("colRefused");
    strikes.setId("colStrikes");
    last.setId("colLastAnswer");
    for (TableColumn<ParticipantRow, ?> c : List.of(accepted, failures, refused, strikes, last)) {
      c.setVisible(false);
    }
    table.setTableMenuButtonVisible(true);
    Label empty = new Label();
    empty.textProperty().bind(vm.emptyTextProperty());
    empty.getStyleClass().addAll(Styles.TEXT_MUTED, "empty-state");
    table.setPlaceholder(empty);
  }

  private static TableColumn<ParticipantRow, String> text(String title, double width,
      Function<ParticipantRow, ObservableValue<String>> value) {
    TableColumn<ParticipantRow, String> c = new TableColumn<>(title);
    c.setPrefWidth(width);
    c.setCellValueFactory(f -> value.apply(f.getValue()));
    return c;
  }

  private static TableColumn<ParticipantRow, Number> number(String title, double width,
      Function<ParticipantRow, ObservableValue<Number>> value, Function<Number, String> format) {
    TableColumn<ParticipantRow, Number> c = new TableColumn<>(title);
    c.setPrefWidth(width);
    c.setCellValueFactory(f -> value.apply(f.getValue()));
    c.getStyleClass().add(Tweaks.ALIGN_RIGHT);
    c.setComparator((a, b) -> Double.compare(nanLow(a), nanLow(b)));
    c.setCellFactory(col -> new TableCell<>() {
      @Override
      protected void updateItem(Number item, boolean empty) {
        super.updateItem(item, empty);
        setText(empty || item == null ? null : format.apply(item));
      }
    });
    return c;
  }

  private static double nanLow(Number n) {
    double v = n == null ? Double.NaN : n.doubleValue();
    return Double.isNaN(v) ? Double.NEGATIVE_INFINITY : v;
  }

  /** The id with the health dot in front. */
  private static final class IdCell extends TableCell<ParticipantRow, String> {
    private final FontIcon dot = new FontIcon(MaterialDesignC.CIRCLE_MEDIUM);

    IdCell() {
      dot.getStyleClass().add("health-dot");
    }

    @Override
    protected void updateItem(String item, boolean empty) {
      super.updateItem(item, empty);
      setText(empty ? null : item);
      setGraphic(empty ? null : dot);
    }
  }

  /** The state in its colour (the same colour everywhere in the console). */
  private static final class StateCell extends TableCell<ParticipantRow, String> {
    @Override
    protected void updateItem(String item, boolean empty) {
      super.updateItem(item, empty);
      PseudoStates.set(this, "pstate-", empty || item == null ? null : stateStyle(item));
      if (empty || item == null) {
        setText(null);
        return;
      }
      setText(item.charAt(0) + item.substring(1).toLowerCase(Locale.ROOT));
    }
  }

  /** CSS class of a participant state: {@code pstate-suspended}. */
  public static String stateStyle(String state) {
    return "pstate-" + state.toLowerCase(Locale.ROOT);
  }

  /** "3.8 GiB", "512 MiB", "—" when unknown. */
  static String bytes(long b) {
    if (b < 0) {
      return Units.NONE;
    }
    if (b >= 1L << 30) {
      return Units.fixed(b / (double) (1L << 30), 1) + " GiB";
    }
    if (b >= 1L << 20) {
      return (b >> 20) + " MiB";
    }
    return (b >> 10) + " KiB";
  }

  /**
   * A heartbeat number (CPU, battery) with a warning colour ({@code telemetry-warn}) when {@code warn} says
   * so; the battery column says "mains" for a device without one and marks charging with ⚡.
   */
  private static final class TelemetryCell extends TableCell<ParticipantRow, Number> {
    private final boolean batteryColumn;
    private final java.util.function.BiPredicate<ParticipantRow, Number> warn;

    TelemetryCell(boolean batteryColumn, java.util.function.BiPredicate<ParticipantRow, Number> warn) {
      this.batteryColumn = batteryColumn;
      this.warn = warn;
    }

    @Override
    protected void updateItem(Number item, boolean empty) {
      super.updateItem(item, empty);
      ParticipantRow r = empty || getTableRow() == null ? null : getTableRow().getItem();
      if (r == null || item == null) {
        setText(null);
        PseudoStates.set(this, "telemetry-", null);
        return;
      }
      double v = item.doubleValue();
      String text;
      if (batteryColumn && r.onMains() && r.lastHeartbeatProperty().get() != null) {
        text = "mains";
      } else {
        text = Units.percent(v) + (batteryColumn && r.charging() && !Double.isNaN(v) ? " \u26A1" : "");
      }
      setText(text);
      PseudoStates.set(this, "telemetry-", !Double.isNaN(v) && warn.test(r, item) ? "telemetry-warn" : null);
    }
  }

  /**
   * "2 s ago" (refreshed by the view model's tick), coloured by the heartbeat's health: {@code telemetry-bad}
   * when stale, {@code telemetry-warn} for a low battery or high load; the tooltip has the exact time, the
   * activity and the interval.
   */
  private static final class HeartbeatCell extends TableCell<ParticipantRow, Instant> {
    private final CellTip tip = CellTip.on(this);
    private final ChangeListener<ParticipantRow.Health> restyle = (o, was, is) -> style(is);
    private ParticipantRow bound;

    @Override
    protected void updateItem(Instant item, boolean empty) {
      super.updateItem(item, empty);
      textProperty().unbind();
      if (bound != null) {
        bound.heartbeatHealthProperty().removeListener(restyle);
      }
      bound = empty || getTableRow() == null ? null : getTableRow().getItem();
      if (bound == null) {
        setText(null);
        tip.clear();
        style(null);
        return;
      }
      textProperty().bind(bound.lastHeartbeatTextProperty());
      bound.heartbeatHealthProperty().addListener(restyle);
      style(bound.heartbeatHealthProperty().get());
      ParticipantRow r = bound;
      tip.set(() -> item == null ? "no heartbeat yet" : Units.clockMillis(item) + " · " + r.activity()
          + (r.heartbeatIntervalMillis() > 0 ? "\nevery " + Units.duration(r.heartbeatIntervalMillis()) : ""));
    }

    private void style(ParticipantRow.Health h) {
      PseudoStates.set(this, "telemetry-", h == null || h == ParticipantRow.Health.GOOD ? null
          : "telemetry-" + h.name().toLowerCase(Locale.ROOT));
    }
  }

  /**
   * The drift indicator (label-histogram JS divergence, bits), {@code drift-alarm} when the drift monitor
   * flagged the participant in its last round; the tooltip has all its indicators.
   */
  private static final class DriftCell extends TableCell<ParticipantRow, Number> {
    private final CellTip tip = CellTip.on(this);
    private final ChangeListener<Boolean> restyle = (o, was, is) -> style(is);
    private ParticipantRow bound;

    @Override
    protected void updateItem(Number item, boolean empty) {
      super.updateItem(item, empty);
      if (bound != null) {
        bound.driftingProperty().removeListener(restyle);
      }
      bound = empty || getTableRow() == null ? null : getTableRow().getItem();
      if (bound == null || item == null) {
        bound = null;
        setText(null);
        tip.clear();
        style(false);
        return;
      }
      double v = item.doubleValue();
      setText(Double.isNaN(v) ? Units.NONE : Units.fixed(v, 3));
      bound.driftingProperty().addListener(restyle);
      style(bound.driftingProperty().get());
      ParticipantRow r = bound;
      tip.set(() -> r.driftTextProperty().get());
    }

    private void style(boolean drifting) {
      PseudoStates.set(this, "drift-", drifting ? "drift-alarm" : null);
    }
  }

  /** "12 s ago", the exact time and the last outcome in the tooltip. */
  private static final class LastAnswerCell extends TableCell<ParticipantRow, Instant> {
    private final CellTip tip = CellTip.on(this);

    @Override
    protected void updateItem(Instant item, boolean empty) {
      super.updateItem(item, empty);
      textProperty().unbind();
      if (empty || getTableRow() == null || getTableRow().getItem() == null) {
        setText(null);
        tip.clear();
        return;
      }
      ParticipantRow r = getTableRow().getItem();
      textProperty().bind(r.lastAnswerTextProperty());
      tip.set(() -> (item == null ? "no answer yet" : Units.clockMillis(item)) + "\n" + r.lastNoteProperty().get());
    }
  }
}
