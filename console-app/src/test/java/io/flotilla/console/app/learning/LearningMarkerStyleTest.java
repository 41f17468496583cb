package io.flotilla.console.app.learning;

import static org.assertj.core.api.Assertions.assertThat;

import io.fair_acc.chartfx.plugins.XValueIndicator;
import io.flotilla.console.app.FxStageTest;
import io.flotilla.console.app.TestEvents;
import java.util.ArrayList;
import java.util.List;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxToolkit;

/**
 * The learning chart's markers keep the style classes they were created with: their kind, never their
 * position among the chart's plugins (chart-fx's default, recomputed for every marker whenever any plugin
 * comes or goes, which re-styled every marker on each new one).
 */
class LearningMarkerStyleTest extends FxStageTest {
  @Test
  void aNewMarkerLeavesTheOthersStylesAloneAndEachCarriesItsKind() throws Exception {
    Stage stage = FxToolkit.registerPrimaryStage();
    LearningViewModel vm = new LearningViewModel(Runnable::run);
    LearningView view = fx(() -> {
      LearningView v = new LearningView(vm);
      javafx.application.Application.setUserAgentStylesheet(
          new atlantafx.base.theme.PrimerLight().getUserAgentStylesheet()); // the colours console.css looks up
      Scene scene = new Scene(new javafx.scene.layout.StackPane(v.node()), 900, 600);
      scene.getStylesheets().add(LearningView.class.getResource("/io/flotilla/console/app/console.css")
          .toExternalForm());
      stage.setScene(scene);
      stage.show();
      return v;
    });
    TestEvents ev = new TestEvents();
    fx(() -> {
      rollback(vm, ev, 3);
      return null;
    });
    List<String> first = fx(() -> markerClasses(view).get(0));
    assertThat(first).contains("value-indicator-line", "x-value-indicator-line", "marker-rollback")
        .noneMatch(c -> c.matches(".*\\d"));

    fx(() -> {
      for (int r = 4; r < 40; r++) {
        rollback(vm, ev, r);
      }
      return null;
    });
    List<List<String>> all = fx(() -> markerClasses(view));
    assertThat(all).hasSize(37);
    assertThat(all.get(0)).isEqualTo(first);
    assertThat(all).allSatisfy(c -> assertThat(c).contains("marker-rollback").noneMatch(s -> s.matches(".*\\d")));
    // nothing paints an invisible picking line over a marker that cannot be dragged
    assertThat(fx(() -> view.chart().getPlugins().stream().filter(XValueIndicator.class::isInstance)
        .flatMap(p -> ((XValueIndicator) p).getChartChildren().stream())
        .filter(n -> n instanceof javafx.scene.shape.Line && n.getStyleClass().isEmpty())
        .filter(Node::isVisible).count())).isZero();
    // solid lines: a dashed full-height line is stroked dash by dash by the software renderer
    assertThat(fx(() -> view.chart().getPlugins().stream().filter(XValueIndicator.class::isInstance)
        .flatMap(p -> ((XValueIndicator) p).getChartChildren().stream())
        .filter(n -> n instanceof javafx.scene.shape.Line && n.getStyleClass().contains("value-indicator-line"))
        .map(n -> ((javafx.scene.shape.Line) n).getStrokeDashArray().size()).distinct().toList()))
        .containsExactly(0);
  }

  /** A rollback in round {@code r}: one rollback marker at {@code r}. */
  private static void rollback(LearningViewModel vm, TestEvents ev, long r) {
    vm.apply(ev.open(r, r * 1_000, r * 1_000 + 900, "p1"));
    vm.apply(java.util.List.of(ev.rolledBack(r, r - 1, r + 1, r * 1_000 + 100)));
  }

  /** The style classes of each marker's line, oldest first. FX thread. */
  private static List<List<String>> markerClasses(LearningView view) {
    List<List<String>> out = new ArrayList<>();
    for (var plugin : view.chart().getPlugins()) {
      if (plugin instanceof XValueIndicator marker) {
        for (Node n : marker.getChartChildren()) {
          // the drawn line; chart-fx adds a second, unstyled and transparent one for picking
          if (n instanceof javafx.scene.shape.Line line && !line.getStyleClass().isEmpty()) {
            out.add(new ArrayList<>(line.getStyleClass()));
          }
        }
      }
    }
    return out;
  }
}
