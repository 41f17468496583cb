package io.flotilla.console.app.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.fair_acc.chartfx.axes.spi.DefaultNumericAxis;
import io.fair_acc.chartfx.renderer.spi.utils.DashPatternStyle;
import io.flotilla.console.app.FxStageTest;
import java.lang.reflect.Field;
import java.util.Map;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.scene.Scene;
import javafx.scene.canvas.Canvas;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.layout.StackPane;
import javafx.scene.paint.Color;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxToolkit;
import org.testfx.util.WaitForAsyncUtils;

/** chart-fx's grid-line patterns are made while a chart's page is hidden, and survive garbage collection. */
class GridPatternsTest extends FxStageTest {
  @Test
  void aHiddenChartMakesItsGridPatternsAndTheyOutliveACollection() throws Exception {
    Stage stage = FxToolkit.registerPrimaryStage();
    SimpleBooleanProperty shown = new SimpleBooleanProperty(false);
    Map<?, ?> cache = cache();
    int before = fx(cache::size);
    PageChart chart = fx(() -> {
      PageChart c = new PageChart(new DefaultNumericAxis("x", 0, 10, 1), new DefaultNumericAxis("y", 0, 1, 0.1));
      c.drawOnlyWhile(shown);
      // a grid style no other test uses, so its patterns are new
      c.getGridRenderer().getHorizontalMajorGrid().setStroke(Color.web("#123457"));
      c.getGridRenderer().getVerticalMajorGrid().setStroke(Color.web("#123457"));
      stage.setScene(new Scene(new StackPane(c), 400, 300));
      stage.show();
      return c;
    });
    WaitForAsyncUtils.waitForFxEvents();
    int made = fx(cache::size) - before;
    assertThat(made).as("patterns made in the chart's first pulse, hidden").isGreaterThanOrEqualTo(2);
    assertThat(fx(GridPatterns::pinned)).isGreaterThanOrEqualTo(made);

    // a pattern nobody pins is gone after a collection: the behaviour this class works around
    fx(() -> {
      Canvas scratch = new Canvas(4, 4);
      GraphicsContext gc = scratch.getGraphicsContext2D();
      gc.setStroke(Color.web("#9a8b7c"));
      DashPatternStyle.strokeDashedLine(gc, 0, 2, 4, 2);
      return null;
    });
    int withUnpinned = fx(cache::size);
    collect();
    int after = fx(cache::size);
    assertThat(after).as("the unpinned pattern is collected, the pinned ones stay").isEqualTo(withUnpinned - 1);

    // drawing the grid once shown finds its patterns: nothing new is made
    fx(() -> {
      shown.set(true);
      return null;
    });
    WaitForAsyncUtils.waitForFxEvents();
    WaitForAsyncUtils.waitForFxEvents();
    assertThat(fx(() -> chart.drawing())).isTrue();
    assertThat(fx(cache::size)).isEqualTo(after);
  }

  private static void collect() throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(20);
    }
  }

  private static Map<?, ?> cache() throws ReflectiveOperationException {
    Field f = DashPatternStyle.class.getDeclaredField("dashHashMap");
    f.setAccessible(true);
    return (Map<?, ?>) f.get(null);
  }
}
