package io.flotilla.console.app.faults;

import atlantafx.base.theme.Styles;
import io.flotilla.console.app.faults.FaultsViewModel.Kind;
import io.flotilla.sim.adversary.AdversaryKind;
import io.flotilla.sim.data.DriftPlan;
import javafx.beans.binding.Bindings;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.Spinner;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import org.kordamp.ikonli.javafx.FontIcon;
import org.kordamp.ikonli.materialdesign2.MaterialDesignB;
import org.kordamp.ikonli.materialdesign2.MaterialDesignL;

/**
 * The Faults page (simulator control): pick a participant of the embedded simulation and a fault — drop, slow
 * down, cut its network for a while, turn adversarial, shift its data — and inject it while the federation runs;
 * the log below lists what was injected (each also raises a notification and a Learning marker), so the operator
 * can watch the timeline, health, drift and quarantine react.
 *
 * <p>Ids: {@code #faultParticipant}, {@code #faultKind}, {@code #faultAmount}, {@code #faultAttack},
 * {@code #faultShift}, {@code #injectFault}, {@code #clearFaults}, {@code #faultStatus}, {@code #faultLog}.
 * Thread-safety: FX thread only.
 */
public final class FaultsView {
  private final BorderPane root = new BorderPane();

  public FaultsView(FaultsViewModel vm) {
    Label title = new Label("Simulator control");
    title.getStyleClass().addAll(Styles.TITLE_4, "card-title");
    Label hint = new Label("Faults apply from the next round to start, to the console's embedded simulation.");
    hint.getStyleClass().addAll(Styles.TEXT_SMALL, Styles.TEXT_MUTED);
    HBox header = new HBox(12, title, hint);
    header.setAlignment(Pos.CENTER_LEFT);
    header.getStyleClass().add("card-header");

    ComboBox<String> participant = new ComboBox<>(vm.participants());
    participant.setId("faultParticipant");
    participant.setPromptText("participant");
    participant.setVisibleRowCount(15);
    ComboBox<Kind> kind = new ComboBox<>();
    kind.setId("faultKind");
    kind.getItems().setAll(Kind.values());
    kind.setValue(Kind.DROP);
    Spinner<Double> amount = new Spinner<>(0.5, 1000, 10, 1);
    amount.setId("faultAmount");
    amount.setEditable(true);
    amount.setPrefWidth(110);
    Label amountLabel = new Label();
    ComboBox<AdversaryKind> attack = new ComboBox<>();
    attack.setId("faultAttack");
    attack.getItems().setAll(AdversaryKind.values());
    attack.setValue(AdversaryKind.SIGN_FLIP);
    attack.setConverter(new javafx.util.StringConverter<>() {
      @Override
      public String toString(AdversaryKind k) {
        return k == null ? "" : k.label();
      }

      @Override
      public AdversaryKind fromString(String s) {
        return AdversaryKind.parse(s);
      }
    });
    ComboBox<DriftPlan.Kind> shift = new ComboBox<>();
    shift.setId("faultShift");
    shift.getItems().setAll(DriftPlan.Kind.values());
    shift.setValue(DriftPlan.Kind.LABEL_SHIFT);
    Runnable showParams = () -> {
      Kind k = kind.getValue();
      boolean amounted = k == Kind.SLOW || k == Kind.CUT;
      amount.setVisible(amounted);
      amount.setManaged(amounted);
      amountLabel.setText(k == null ? "" : FaultsViewModel.amountLabel(k));
      amountLabel.setVisible(amounted);
      amountLabel.setManaged(amounted);
      attack.setVisible(k == Kind.ADVERSARIAL);
      attack.setManaged(k == Kind.ADVERSARIAL);
      shift.setVisible(k == Kind.DRIFT);
      shift.setManaged(k == Kind.DRIFT);
      if (k == Kind.SLOW) {
        amount.getValueFactory().setValue(10.0);
      } else if (k == Kind.CUT) {
        amount.getValueFactory().setValue(10.0);
      }
    };
    kind.valueProperty().addListener((o, a, b) -> showParams.run());
    showParams.run();

    Button inject = new Button("Inject", new FontIcon(MaterialDesignL.LIGHTNING_BOLT));
    inject.setId("injectFault");
    inject.getStyleClass().add(Styles.DANGER);
    inject.disableProperty().bind(vm.unavailableProperty().or(vm.busyProperty())
        .or(participant.valueProperty().isNull()));
    inject.setOnAction(e -> vm.inject(kind.getValue(), participant.getValue(), amount.getValue(),
        attack.getValue(), shift.getValue()));
    Button clear = new Button("Clear faults", new FontIcon(MaterialDesignB.BANDAGE));
    clear.setId("clearFaults");
    clear.disableProperty().bind(vm.unavailableProperty().or(participant.valueProperty().isNull()));
    clear.setOnAction(e -> vm.clear(participant.getValue()));

    GridPane form = new GridPane();
    form.setHgap(10);
    form.setVgap(8);
    form.addRow(0, new Label("Participant"), participant);
    form.addRow(1, new Label("Fault"), kind);
    HBox params = new HBox(8, amount, amountLabel, attack, shift);
    params.setAlignment(Pos.CENTER_LEFT);
    form.addRow(2, new Label("Parameters"), params);
    HBox buttons = new HBox(8, inject, clear);
    form.add(buttons, 1, 3);
    Label status = new Label();
    status.setId("faultStatus");
    status.textProperty().bind(vm.statusProperty());
    status.setWrapText(true);
    status.getStyleClass().addAll(Styles.TEXT_SMALL);

    ListView<FaultsViewModel.Entry> list = new ListView<>(vm.entries());
    list.setId("faultLog");
    list.setPlaceholder(new Label("No fault injected"));
    list.setCellFactory(lv -> new ListCell<>() {
      @Override
      protected void updateItem(FaultsViewModel.Entry e, boolean empty) {
        super.updateItem(e, empty);
        setText(empty || e == null ? null : e.toString());
        getStyleClass().remove(Styles.DANGER);
        if (!empty && e != null && !e.ok()) {
          getStyleClass().add(Styles.DANGER);
        }
      }
    });
    Label logTitle = new Label("Injected faults");
    logTitle.getStyleClass().addAll(Styles.TEXT_SMALL, Styles.TEXT_BOLD);
    Label count = new Label();
    count.textProperty().bind(Bindings.size(vm.entries()).asString("%d entries"));
    count.getStyleClass().addAll(Styles.TEXT_SMALL, Styles.TEXT_MUTED);
    VBox card = new VBox(12, header, form, status, new HBox(8, logTitle, count), list);
    VBox.setVgrow(list, Priority.ALWAYS);
    card.getStyleClass().add("card");
    root.setCenter(card);
    root.getStyleClass().add("page");
  }

  public Node node() {
    return root;
  }
}
