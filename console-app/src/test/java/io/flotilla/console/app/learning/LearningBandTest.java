package io.flotilla.console.app.learning;

import static org.assertj.core.api.Assertions.assertThat;

import io.fair_acc.chartfx.XYChart;
import io.fair_acc.chartfx.axes.spi.DefaultNumericAxis;
import io.fair_acc.chartfx.renderer.ErrorStyle;
import io.fair_acc.chartfx.renderer.spi.ErrorDataSetRenderer;
import io.fair_acc.dataset.spi.DoubleErrorDataSet;
import io.flotilla.console.app.FxStageTest;
import javafx.scene.Scene;
import javafx.scene.SnapshotParameters;
import javafx.scene.image.WritableImage;
import javafx.scene.layout.StackPane;
import javafx.scene.paint.Color;
import javafx.scene.paint.ImagePattern;
import javafx.scene.paint.Paint;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxToolkit;
import org.testfx.util.WaitForAsyncUtils;

/** The Learning page's percentile band is filled translucent, without chart-fx's snapshot-made hatch. */
class LearningBandTest extends FxStageTest {
  @Test
  void theBandIsDrawnWithItsColourMadeTranslucentNotAHatchPattern() throws Exception {
    Stage stage = FxToolkit.registerPrimaryStage();
    DoubleErrorDataSet spread = new DoubleErrorDataSet("spread");
    for (int round = 0; round <= 10; round++) {
      spread.add(round, 0.5, 0.2, 0.2);
    }
    ErrorDataSetRenderer band = new LearningView.BandRenderer();
    band.setErrorStyle(ErrorStyle.ERRORSURFACE);
    band.setDrawMarker(false);
    XYChart chart = fx(() -> {
      XYChart c = new XYChart(new DefaultNumericAxis("round", 0, 10, 1), new DefaultNumericAxis("loss", 0, 1, 0.1));
      c.getAxes().forEach(a -> ((DefaultNumericAxis) a).setAutoRanging(false));
      c.setAnimated(false);
      c.setLegendVisible(false);
      band.getDatasets().add(spread);
      c.getRenderers().setAll(band);
      stage.setScene(new Scene(new StackPane(c), 600, 400));
      stage.show();
      return c;
    });
    WaitForAsyncUtils.waitForFxEvents();
    WaitForAsyncUtils.waitForFxEvents();

    Paint fill = fx(() -> band.getDatasetNodes().get(0).getLineFillPattern());
    Paint line = fx(() -> band.getDatasetNodes().get(0).getLineColor());
    assertThat(fill).isInstanceOf(Color.class);
    assertThat(line).isInstanceOf(Color.class);
    Color f = (Color) fill;
    Color l = (Color) line;
    assertThat(f.getOpacity()).isEqualTo(LearningView.BandNode.OPACITY, org.assertj.core.data.Offset.offset(1e-6));
    assertThat(f.getRed()).isEqualTo(l.getRed());
    assertThat(f.getGreen()).isEqualTo(l.getGreen());
    assertThat(f.getBlue()).isEqualTo(l.getBlue());

    // chart-fx's own node, for contrast: its fill is the hatch image it snapshots
    Paint hatch = fx(() -> {
      ErrorDataSetRenderer plain = new ErrorDataSetRenderer();
      plain.getDatasets().add(new DoubleErrorDataSet("other"));
      chart.getRenderers().add(plain);
      chart.layout();
      return plain.getDatasetNodes().get(0).getLineFillPattern();
    });
    assertThat(hatch).isInstanceOf(ImagePattern.class);

    // and the band is still painted: inside it (y = 0.5 ± 0.2) the plot changes when the band goes,
    // above it (y = 0.95) it does not (whatever background and grid the theme gives the plot)
    double x = fx(() -> chart.getXAxis().getDisplayPosition(5.5));
    double inside = fx(() -> chart.getYAxis().getDisplayPosition(0.45));
    double above = fx(() -> chart.getYAxis().getDisplayPosition(0.95));
    WritableImage with = canvas(chart);
    fx(() -> chart.getRenderers().setAll(new ErrorDataSetRenderer())); // not the data: chart-fx may hold its lock
    WaitForAsyncUtils.waitForFxEvents();
    WaitForAsyncUtils.waitForFxEvents();
    WritableImage without = canvas(chart);
    assertThat(with.getPixelReader().getArgb((int) x, (int) inside))
        .as("band pixel").isNotEqualTo(without.getPixelReader().getArgb((int) x, (int) inside));
    assertThat(with.getPixelReader().getArgb((int) x, (int) above))
        .as("pixel above the band").isEqualTo(without.getPixelReader().getArgb((int) x, (int) above));
  }

  private static WritableImage canvas(XYChart chart) throws Exception {
    return fx(() -> {
      SnapshotParameters p = new SnapshotParameters();
      p.setFill(Color.TRANSPARENT);
      return chart.getCanvas().snapshot(p, null);
    });
  }
}
