package io.flotilla.console.app.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.fair_acc.chartfx.XYChart;
import io.fair_acc.chartfx.axes.spi.DefaultNumericAxis;
import io.fair_acc.chartfx.renderer.spi.ErrorDataSetRenderer;
import io.fair_acc.chartfx.ui.geometry.Side;
import io.flotilla.console.app.FxStageTest;
import javafx.scene.Scene;
import javafx.scene.layout.StackPane;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxToolkit;
import org.testfx.util.WaitForAsyncUtils;

/** chart-fx caches its canvases; the console's charts do not (a canvas keeps its own texture already). */
class ChartCanvasesTest extends FxStageTest {
  @Test
  void thePlotAndEveryAxisIncludingOnesAddedLaterDrawWithoutANodeCache() throws Exception {
    Stage stage = FxToolkit.registerPrimaryStage();
    DefaultNumericAxis x = new DefaultNumericAxis("round");
    DefaultNumericAxis y = new DefaultNumericAxis("loss");
    DefaultNumericAxis right = new DefaultNumericAxis("accuracy");
    right.setSide(Side.RIGHT);
    XYChart chart = fx(() -> {
      XYChart plain = new XYChart(new DefaultNumericAxis(), new DefaultNumericAxis());
      assertThat(plain.getCanvas().isCache()).as("chart-fx's default, which this class undoes").isTrue();
      XYChart c = ChartCanvases.uncached(new XYChart(x, y));
      ErrorDataSetRenderer r = new ErrorDataSetRenderer();
      r.getAxes().add(right); // joins the chart's axes at the next layout, after uncached() ran
      c.getRenderers().add(r);
      stage.setScene(new Scene(new StackPane(c), 600, 400));
      stage.show();
      return c;
    });
    WaitForAsyncUtils.waitForFxEvents();
    fx(() -> {
      assertThat(chart.getAxes()).contains(x, y, right);
      assertThat(chart.getCanvas().isCache()).isFalse();
      assertThat(x.getCanvas().isCache()).isFalse();
      assertThat(y.getCanvas().isCache()).isFalse();
      assertThat(right.getCanvas().isCache()).isFalse();
      return null;
    });
  }
}
