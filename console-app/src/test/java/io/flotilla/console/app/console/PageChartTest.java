package io.flotilla.console.app.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.fair_acc.chartfx.axes.spi.DefaultNumericAxis;
import io.fair_acc.chartfx.renderer.spi.ErrorDataSetRenderer;
import io.fair_acc.dataset.spi.DoubleDataSet;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.scene.Scene;
import javafx.scene.layout.StackPane;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxToolkit;
import org.testfx.util.WaitForAsyncUtils;

/**
 * A chart on a hidden page does no work, never keeps its data sets locked (a writer on another thread must
 * not wait), and catches up once its page is shown.
 */
class PageChartTest {
  @AfterEach
  void tearDown() throws Exception {
    FxToolkit.cleanupStages();
  }

  private static <T> T fx(Callable<T> c) throws Exception {
    return WaitForAsyncUtils.asyncFx(c).get(10, TimeUnit.SECONDS);
  }

  @Test
  void aHiddenChartLetsWritersInAndCatchesUpWhenShown() throws Exception {
    Stage stage = FxToolkit.registerPrimaryStage();
    SimpleBooleanProperty shown = new SimpleBooleanProperty(true);
    DoubleDataSet data = new DoubleDataSet("loss");
    DefaultNumericAxis x = new DefaultNumericAxis("round");
    PageChart chart = fx(() -> {
      PageChart c = new PageChart(x, new DefaultNumericAxis("loss")).drawOnlyWhile(shown);
      ErrorDataSetRenderer r = new ErrorDataSetRenderer();
      r.getDatasets().add(data);
      c.getRenderers().add(r);
      stage.setScene(new Scene(new StackPane(c), 600, 400));
      stage.show();
      return c;
    });
    WaitForAsyncUtils.waitForFxEvents();
    fx(() -> {
      shown.set(false); // the page is hidden; the chart stays in the scene
      chart.requestLayout();
      return null;
    });
    for (int pulse = 0; pulse < 5; pulse++) {
      WaitForAsyncUtils.waitForFxEvents();
      // a view model's writer thread adds a point between pulses: it must never wait for a lock the hidden
      // chart took and did not give back
      int round = pulse;
      CompletableFuture.runAsync(() -> data.add(round, 1.0 / (round + 1))).get(5, TimeUnit.SECONDS);
      fx(() -> {
        chart.requestLayout();
        return null;
      });
    }
    double hiddenMax = fx(() -> x.getMax());
    assertThat(Double.isNaN(hiddenMax) || hiddenMax < 4).as("a hidden chart does not follow its data (axis max "
        + hiddenMax + ")").isTrue();

    fx(() -> {
      shown.set(true);
      return null;
    });
    WaitForAsyncUtils.waitForFxEvents();
    WaitForAsyncUtils.waitForFxEvents();
    assertThat(fx(() -> x.getMax())).as("shown again, it catches up").isGreaterThanOrEqualTo(4);
    CompletableFuture.runAsync(() -> data.add(5, 0.1)).get(5, TimeUnit.SECONDS);
  }
}
