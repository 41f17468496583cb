package io.flotilla.console.app.enrollments;

import atlantafx.base.controls.ToggleSwitch;
import atlantafx.base.theme.Styles;
import io.flotilla.engine.security.Role;
import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Function;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonBar;
import javafx.scene.control.ButtonType;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Dialog;
import javafx.scene.control.Label;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.VBox;
import javafx.stage.FileChooser;
import javafx.stage.Window;
import org.kordamp.ikonli.javafx.FontIcon;
import org.kordamp.ikonli.materialdesign2.MaterialDesignC;
import org.kordamp.ikonli.materialdesign2.MaterialDesignE;
import org.kordamp.ikonli.materialdesign2.MaterialDesignK;

/**
 * The Enrollments page: the pending queue (identity, role, device class, region, consent, key fingerprint,
 * requested at) with Approve / Reject (reason required), a token form (lifetime, role, optional name) with
 * onboarding-bundle export, and the auto-approval switch (off by default, with a warning when on). Ids:
 * {@code #enrollments}, {@code #approveEnrollment}, {@code #rejectEnrollment}, {@code #enrollmentMessage},
 * {@code #tokenTtl}, {@code #tokenRole}, {@code #tokenName}, {@code #createToken}, {@code #bundleAddress},
 * {@code #exportBundle}, {@code #autoApprove}, {@code #autoApproveWarning}; in the reject dialog
 * {@code #rejectReason}, {@code #confirmReject}. Thread-safety: FX thread only.
 */
public final class EnrollmentsView {
  private final EnrollmentsViewModel vm;
  private final TableView<EnrollmentRow> table = new TableView<>();
  private final BorderPane root = new BorderPane();
  private final Function<Window, Path> bundleTarget;

  /**
   * @param bundleTarget where to write a bundle (null: a file chooser)
   * @param servedAddress the address the console serves participants on (prefills the bundle's address)
   */
  public EnrollmentsView(EnrollmentsViewModel vm, Function<Window, Path> bundleTarget,
      ReadOnlyStringProperty servedAddress) {
    this.vm = vm;
    this.bundleTarget = bundleTarget != null ? bundleTarget : this::chooseFile;
    buildTable();

    Label origin = new Label();
    origin.setId("enrollmentOrigin");
    origin.textProperty().bind(vm.originProperty());
    origin.getStyleClass().add(Styles.TEXT_MUTED);
    Label title = new Label("Pending enrollment requests");
    title.getStyleClass().add(Styles.TITLE_4);

    Button approve = new Button("Approve", new FontIcon(MaterialDesignC.CHECK_DECAGRAM_OUTLINE));
    approve.setId("approveEnrollment");
    approve.getStyleClass().add(Styles.SUCCESS);
    approve.setTooltip(new Tooltip("Issue the requester's certificate; it can then join"));
    approve.disableProperty().bind(table.getSelectionModel().selectedItemProperty().isNull());
    approve.setOnAction(e -> {
      EnrollmentRow r = table.getSelectionModel().getSelectedItem();
      if (r != null) {
        vm.approve(r.id());
      }
    });
    Button reject = new Button("Reject…", new FontIcon(MaterialDesignC.CLOSE_OCTAGON_OUTLINE));
    reject.setId("rejectEnrollment");
    reject.getStyleClass().add(Styles.DANGER);
    reject.disableProperty().bind(table.getSelectionModel().selectedItemProperty().isNull());
    reject.setOnAction(e -> confirmReject(table.getSelectionModel().getSelectedItem()));
    Label message = new Label();
    message.setId("enrollmentMessage");
    message.textProperty().bind(vm.messageProperty());
    message.setWrapText(true);
    HBox actions = new HBox(8, approve, reject, message);
    actions.setAlignment(Pos.CENTER_LEFT);

    VBox top = new VBox(6, title, origin, actions);
    top.setPadding(new Insets(14, 14, 8, 14));
    root.setTop(top);
    root.setCenter(table);
    BorderPane.setMargin(table, new Insets(0, 14, 0, 14));
    root.setBottom(tokenForm(servedAddress));
    root.disableProperty().bind(vm.availableProperty().not());
  }

  private Node tokenForm(ReadOnlyStringProperty servedAddress) {
    Label head = new Label("Invite a participant or operator");
    head.getStyleClass().add(Styles.TITLE_4);
    ComboBox<String> ttl = new ComboBox<>();
    ttl.setId("tokenTtl");
    ttl.getItems().setAll("1h", "24h", "7d");
    ttl.setValue("24h");
    ComboBox<Role> role = new ComboBox<>();
    role.setId("tokenRole");
    role.getItems().setAll(Role.PARTICIPANT, Role.OBSERVER, Role.OPERATOR, Role.ADMIN);
    role.setValue(Role.PARTICIPANT);
    TextField name = new TextField();
    name.setId("tokenName");
    name.setPromptText("identity (optional)");
    Button create = new Button("Create token", new FontIcon(MaterialDesignK.KEY_PLUS));
    create.setId("createToken");
    create.setOnAction(e -> vm.createToken(parseTtl(ttl.getValue()), role.getValue(), name.getText()));

    TextField address = new TextField();
    address.setId("bundleAddress");
    address.setPromptText("coordinator HOST:PORT");
    address.setText(servedAddress == null || servedAddress.get() == null ? "" : servedAddress.get());
    if (servedAddress != null) {
      servedAddress.addListener((o, was, is) -> {
        if (address.getText().isBlank() && is != null) {
          address.setText(is);
        }
      });
    }
    Button export = new Button("Export bundle…", new FontIcon(MaterialDesignE.EXPORT));
    export.setId("exportBundle");
    export.disableProperty().bind(vm.lastTokenProperty().isNull());
    export.setOnAction(e -> {
      Path file = bundleTarget.apply(root.getScene() == null ? null : root.getScene().getWindow());
      if (file != null) {
        vm.exportBundle(address.getText(), file);
      }
    });
    HBox tokenRow = new HBox(8, new Label("Valid for"), ttl, new Label("Role"), role, name, create, address, export);
    tokenRow.setAlignment(Pos.CENTER_LEFT);

    ToggleSwitch auto = new ToggleSwitch("Approve requests automatically");
    auto.setId("autoApprove");
    vm.autoApproveProperty().addListener((o, was, is) -> auto.setSelected(is));
    auto.selectedProperty().addListener((o, was, is) -> {
      if (is != vm.autoApproveProperty().get()) {
        vm.autoApprove(is).whenComplete((p, err) -> auto.setSelected(vm.autoApproveProperty().get()));
      }
    });
    Label warning = new Label("Auto-approval is on: anyone holding a valid token and passing the policy joins "
        + "without an operator's review. Use for demos only.");
    warning.setId("autoApproveWarning");
    warning.setWrapText(true);
    warning.getStyleClass().add(Styles.WARNING);
    warning.visibleProperty().bind(vm.autoApproveProperty());
    warning.managedProperty().bind(warning.visibleProperty());
    VBox box = new VBox(8, head, tokenRow, auto, warning);
    box.setPadding(new Insets(12, 14, 14, 14));
    return box;
  }

  static Duration parseTtl(String s) {
    return switch (s) {
      case "1h" -> Duration.ofHours(1);
      case "7d" -> Duration.ofDays(7);
      default -> Duration.ofHours(24);
    };
  }

  private Path chooseFile(Window owner) {
    FileChooser fc = new FileChooser();
    fc.setTitle("Save onboarding bundle");
    fc.setInitialFileName("participant.bundle.json");
    fc.getExtensionFilters().add(new FileChooser.ExtensionFilter("Onboarding bundle", "*.json"));
    File f = fc.showSaveDialog(owner);
    return f == null ? null : f.toPath();
  }

  /** Asks for a reason, then rejects. FX thread. */
  public void confirmReject(EnrollmentRow row) {
    if (row == null) {
      return;
    }
    Dialog<ButtonType> d = new Dialog<>();
    d.initOwner(root.getScene() == null ? null : root.getScene().getWindow());
    d.setTitle("Reject enrollment");
    d.setHeaderText("Reject " + row.identity() + " (request " + row.id() + ")?");
    TextField reason = new TextField();
    reason.setId("rejectReason");
    reason.setPromptText("Why? (recorded in the audit log)");
    d.getDialogPane().setContent(new VBox(12, new Label("Reason"), reason));
    ButtonType go = new ButtonType("Reject", ButtonBar.ButtonData.OK_DONE);
    ButtonType cancel = new ButtonType("Cancel", ButtonBar.ButtonData.CANCEL_CLOSE);
    d.getDialogPane().getButtonTypes().setAll(cancel, go);
    Node goButton = d.getDialogPane().lookupButton(go);
    goButton.setId("confirmReject");
    goButton.disableProperty().bind(reason.textProperty().isEmpty());
    d.getDialogPane().lookupButton(cancel).setId("cancelReject");
    d.setOnShown(e -> reason.requestFocus());
    d.setOnHidden(e -> {
      if (d.getResult() == go) {
        vm.reject(row.id(), reason.getText());
      }
    });
    d.show();
  }

  private void buildTable() {
    table.setId("enrollments");
    table.setItems(vm.pending());
    table.setPlaceholder(new Label("No pending requests. Participants enroll with a token "
        + "(create one below) and wait here for approval."));
    table.getColumns().add(col("ID", r -> Long.toString(r.id()), 50));
    table.getColumns().add(col("Identity", EnrollmentRow::identity, 140));
    table.getColumns().add(col("Role", EnrollmentRow::role, 90));
    table.getColumns().add(col("Device", EnrollmentRow::deviceClass, 90));
    table.getColumns().add(col("Region", EnrollmentRow::region, 80));
    table.getColumns().add(col("Consent", r -> r.consent() ? "yes" : "no", 70));
    table.getColumns().add(col("Key fingerprint", EnrollmentRow::keyFingerprint, 160));
    table.getColumns().add(col("Requested", r -> fmt(r.requestedAt()), 190));
    table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
  }

  private static String fmt(Instant t) {
    return t == null ? "" : t.toString();
  }

  private static TableColumn<EnrollmentRow, String> col(String title, Function<EnrollmentRow, String> f, double w) {
    TableColumn<EnrollmentRow, String> c = new TableColumn<>(title);
    c.setCellValueFactory(cd -> new SimpleStringProperty(f.apply(cd.getValue())));
    c.setPrefWidth(w);
    return c;
  }

  public TableView<EnrollmentRow> table() {
    return table;
  }

  public Node node() {
    return root;
  }

}
