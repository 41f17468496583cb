package io.flotilla.console.app.audit;

import io.flotilla.console.app.console.CellTip;
import io.flotilla.console.app.console.TablePrimer;
import atlantafx.base.controls.CustomTextField;
import atlantafx.base.theme.Styles;
import atlantafx.base.theme.Tweaks;
import io.flotilla.console.app.history.AuditRecord;
import io.flotilla.console.app.history.ChainStatus;
import java.util.List;
import java.util.function.Function;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import org.kordamp.ikonli.javafx.FontIcon;
import org.kordamp.ikonli.materialdesign2.MaterialDesignM;
import org.kordamp.ikonli.materialdesign2.MaterialDesignS;

/**
 * The Audit log page: the newest entries of the append-only, hash-chained audit log (sequence, time, actor,
 * action, subject, details, hash), a search box, and the chain's verification status with a "Verify now"
 * button. Ids: {@code #audit}, {@code #auditSearch}, {@code #chainStatus}, {@code #verifyChain},
 * {@code #auditCount}. Thread-safety: FX thread only.
 */
public final class AuditView {
  private final AuditViewModel vm;
  private final TableView<AuditRecord> table = new TableView<>();
  private final BorderPane root = new BorderPane();

  public AuditView(AuditViewModel vm) {
    this.vm = vm;
    buildTable();
    CustomTextField search = new CustomTextField();
    search.setId("auditSearch");
    search.setPromptText("Search actor, action, subject, details");
    search.setLeft(new FontIcon(MaterialDesignM.MAGNIFY));
    search.textProperty().bindBidirectional(vm.searchProperty());
    search.setPrefWidth(320);

    Label chain = new Label();
    chain.setId("chainStatus");
    chain.textProperty().bind(vm.chainTextProperty());
    FontIcon shield = new FontIcon(MaterialDesignS.SHIELD_OUTLINE);
    chain.setGraphic(shield);
    chain.getStyleClass().add("chain-status");
    vm.chainProperty().addListener((o, was, s) -> styleChain(chain, shield, s));

    Button verify = new Button("Verify now", new FontIcon(MaterialDesignS.SHIELD_REFRESH_OUTLINE));
    verify.setId("verifyChain");
    verify.setTooltip(new Tooltip("Recompute every entry's hash and check the chain links"));
    verify.setOnAction(e -> vm.verifyNow());

    Label title = new Label("Audit log");
    title.getStyleClass().addAll(Styles.TITLE_4, "card-title");
    Label count = new Label();
    count.setId("auditCount");
    count.textProperty().bind(vm.countTextProperty());
    count.getStyleClass().addAll(Styles.TEXT_SMALL, Styles.TEXT_MUTED);
    Region spacer = new Region();
    HBox.setHgrow(spacer, Priority.ALWAYS);
    HBox top = new HBox(12, title, count, spacer, search);
    top.setAlignment(Pos.CENTER_LEFT);
    HBox status = new HBox(12, chain, verify);
    status.setAlignment(Pos.CENTER_LEFT);
    VBox header = new VBox(8, top, status);
    header.getStyleClass().add("card-header");
    VBox card = new VBox(header, table);
    VBox.setVgrow(table, Priority.ALWAYS);
    card.getStyleClass().add("card");
    root.setCenter(card);
    root.getStyleClass().add("page");
  }

  private static void styleChain(Label chain, FontIcon shield, ChainStatus s) {
    chain.getStyleClass().removeAll("chain-ok", "chain-broken");
    if (s == null) {
      return;
    }
    chain.getStyleClass().add(s.intact() ? "chain-ok" : "chain-broken");
    shield.setIconCode(s.intact() ? MaterialDesignS.SHIELD_CHECK_OUTLINE : MaterialDesignS.SHIELD_ALERT_OUTLINE);
  }

  public Node node() {
    return root;
  }

  /**
   * Fills the empty audit table with sample entries for the page's warm-up pulse, and returns what empties
   * it again ({@link TablePrimer}). FX thread.
   */
  public Runnable primeTable() {
    java.util.List<AuditRecord> samples = new java.util.ArrayList<>();
    for (int i = 0; i < TablePrimer.ROWS; i++) {
      long seq = TablePrimer.ROWS - i;
      samples.add(new AuditRecord(seq, "2026-01-01T00:00:" + (10 + i) + "Z", "operator", "round.committed",
          "round:" + seq, "{\"round\":" + seq + ",\"version\":" + seq + "}", "0123456789abcdef0123"));
    }
    return TablePrimer.prime(table, samples);
  }

  public TableView<AuditRecord> table() {
    return table;
  }

  private void buildTable() {
    table.setId("audit");
    table.setItems(vm.entries());
    table.getStyleClass().addAll(Styles.DENSE, Tweaks.EDGE_TO_EDGE, "audit-table");
    table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
    table.setTableMenuButtonVisible(false);
    TableColumn<AuditRecord, String> seq = col("#", 60, r -> Long.toString(r.seq()));
    seq.getStyleClass().add(Tweaks.ALIGN_RIGHT);
    TableColumn<AuditRecord, String> at = col("Time (UTC)", 215, r -> r.at().replace('T', ' ').replace("Z", ""));
    at.setMinWidth(215);
    TableColumn<AuditRecord, String> actor = col("Actor", 100, AuditRecord::actor);
    TableColumn<AuditRecord, String> action = col("Action", 170, AuditRecord::action);
    action.setMinWidth(150);
    action.setId("colAction");
    TableColumn<AuditRecord, String> subject = col("Subject", 120, r -> r.subject() == null ? "" : r.subject());
    TableColumn<AuditRecord, String> hash = col("Hash", 100, r -> r.hash().substring(0, 10) + "…");
    hash.getStyleClass().add("mono");
    TableColumn<AuditRecord, String> detail = col("Details", 300, AuditRecord::detail);
    detail.setCellFactory(c -> new TableCell<>() {
      private final CellTip tip = CellTip.on(this);

      @Override
      protected void updateItem(String item, boolean empty) {
        super.updateItem(item, empty);
        setText(empty ? null : item);
        String shown = empty ? null : item;
        tip.set(() -> shown);
      }
    });
    table.getColumns().setAll(List.of(seq, at, actor, action, subject, hash, detail));
    for (TableColumn<AuditRecord, ?> c : table.getColumns()) {
      c.setSortable(false);
      c.setReorderable(false);
    }
    Label empty = new Label("No audit entries match.");
    empty.getStyleClass().addAll(Styles.TEXT_MUTED, "empty-state");
    table.setPlaceholder(empty);
  }

  private static TableColumn<AuditRecord, String> col(String title, double width,
      Function<AuditRecord, String> value) {
    TableColumn<AuditRecord, String> c = new TableColumn<>(title);
    c.setPrefWidth(width);
    c.setCellValueFactory(f -> new ReadOnlyObjectWrapper<>(value.apply(f.getValue())));
    return c;
  }
}
