package io.flotilla.console.app.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.flotilla.console.app.FxStageTest;
import java.util.ArrayList;
import java.util.List;
import javafx.scene.Group;
import javafx.scene.image.WritableImage;
import javafx.scene.shape.ClosePath;
import javafx.scene.shape.LineTo;
import javafx.scene.shape.MoveTo;
import javafx.scene.shape.Path;
import javafx.scene.shape.PathElement;
import javafx.scene.shape.Polyline;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxToolkit;

/**
 * The render primer's shapes have the geometry its purpose needs (rows crossed by at least 20 edges, rows
 * inside a shape that no edge crosses), and priming draws them. Whether the JIT then keeps the rasteriser
 * compiled is measured in the live minute (docs/RESULTS.md, session 12), not here.
 */
class RenderPrimerTest extends FxStageTest {
  /** Marlin's threshold for sorting a row's crossings another way (the branch the Learning page hit at 40 s). */
  private static final int MARLIN_MANY_CROSSINGS = 20;

  @Test
  void theShapesCrossARowManyTimesAndLeaveRowsInsideThemEmpty() throws Exception {
    FxToolkit.registerPrimaryStage();
    Group all = fx(RenderPrimer::shapes);
    Group g = (Group) all.getChildren().get(0);
    Path comb = (Path) g.getChildren().get(0);
    Path apart = (Path) g.getChildren().get(1);
    Polyline zigzag = (Polyline) g.getChildren().get(2);

    assertThat(crossings(points(comb), 20.5)).isGreaterThanOrEqualTo(MARLIN_MANY_CROSSINGS);
    List<double[]> zig = new ArrayList<>();
    for (int i = 0; i < zigzag.getPoints().size(); i += 2) {
      zig.add(new double[] {zigzag.getPoints().get(i), zigzag.getPoints().get(i + 1)});
    }
    assertThat(crossings(zig, 95.5)).isGreaterThanOrEqualTo(MARLIN_MANY_CROSSINGS);

    List<double[]> pieces = points(apart);
    double top = pieces.stream().filter(java.util.Objects::nonNull).mapToDouble(p -> p[1]).min().orElseThrow();
    double bottom = pieces.stream().filter(java.util.Objects::nonNull).mapToDouble(p -> p[1]).max().orElseThrow();
    assertThat(62.5).isBetween(top, bottom);
    assertThat(crossings(pieces, 62.5)).isZero();
    assertThat(crossings(pieces, 52.5)).isEqualTo(2);
  }

  @Test
  void theCanvasLinesEndOutsideItInsideAPixelRow() throws Exception {
    FxToolkit.registerPrimaryStage();
    assertThat(RenderPrimer.OFF_CANVAS_LINES).isNotEmpty();
    for (double[] line : RenderPrimer.OFF_CANVAS_LINES) {
      assertThat(line[0]).isBetween(0.0, RenderPrimer.CANVAS_W);
      assertThat(line[2] < 0 || line[2] > RenderPrimer.CANVAS_W).as("ends beside the canvas").isTrue();
      double frac = line[3] - Math.floor(line[3]);
      assertThat(frac).as("ends inside a pixel row").isBetween(0.1, 0.9);
    }
  }

  @Test
  void primingDrawsTheShapes() throws Exception {
    FxToolkit.registerPrimaryStage();
    fx(() -> {
      RenderPrimer.prime(2);
      return null;
    });
    WritableImage img = fx(() -> RenderPrimer.shapes().snapshot(null, null));
    int inked = 0;
    for (int y = 0; y < (int) img.getHeight(); y += 2) {
      for (int x = 0; x < (int) img.getWidth(); x += 2) {
        inked += img.getPixelReader().getColor(x, y).getBrightness() < 0.9 ? 1 : 0;
      }
    }
    assertThat(inked).isGreaterThan(100);
  }

  /** The corners of a path of straight edges, closing each subpath (a closed piece repeats its start). */
  private static List<double[]> points(Path p) {
    List<double[]> out = new ArrayList<>();
    double[] start = null;
    for (PathElement e : p.getElements()) {
      if (e instanceof MoveTo m) {
        start = new double[] {m.getX(), m.getY()};
        out.add(null); // a break: no edge from the previous point
        out.add(start);
      } else if (e instanceof LineTo l) {
        out.add(new double[] {l.getX(), l.getY()});
      } else if (e instanceof ClosePath) {
        out.add(start);
      }
    }
    return out;
  }

  /** How many edges between consecutive points cross the horizontal line at {@code y}. */
  private static int crossings(List<double[]> pts, double y) {
    int n = 0;
    for (int i = 1; i < pts.size(); i++) {
      double[] a = pts.get(i - 1);
      double[] b = pts.get(i);
      if (a != null && b != null && (a[1] < y) != (b[1] < y)) {
        n++;
      }
    }
    return n;
  }

}
