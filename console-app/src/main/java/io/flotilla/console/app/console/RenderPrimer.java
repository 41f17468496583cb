package io.flotilla.console.app.console;

import javafx.scene.Group;
import javafx.scene.SnapshotParameters;
import javafx.scene.canvas.Canvas;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.paint.Color;
import javafx.scene.shape.ClosePath;
import javafx.scene.shape.Line;
import javafx.scene.shape.LineTo;
import javafx.scene.shape.MoveTo;
import javafx.scene.shape.Path;
import javafx.scene.shape.Polyline;
import javafx.scene.transform.Affine;

/**
 * Draws, once while the console loads, shapes that take the rasteriser's rarer branches, so that the JIT
 * compiles them before a page needs them.
 *
 * <p>HotSpot's C2 compiles a branch that its profile never saw taken as an "uncommon trap": the first time
 * it is taken, the compiled method is thrown away and runs in the interpreter until it is compiled again.
 * The software pipeline's rasteriser (Marlin, {@code Renderer._endRendering}, every shape on screen goes
 * through it) had two such branches in the live minute with 1,000 participants
 * ({@code -XX:+LogCompilation}):
 * <ul>
 *   <li>a pixel row inside a shape's bounds that no edge crosses (bytecode 705), first met on the
 *       Participants page's first visit, 5 s into the run;</li>
 *   <li>a row crossed by 20 edges or more, where the crossings are sorted differently (bytecode 770), first
 *       met on the return to the Learning page at 40 s, once its charts held 40 rounds and 30 markers.</li>
 * </ul>
 * After each, the render thread drew the rest of the frame with the interpreted rasteriser while the
 * compilers, which run at the simulation's low priority, got round to it: stalls of up to 130 ms at those
 * two moments in some runs (the return to Learning: 4 of 17; docs/RESULTS.md, session 12). A comb (many
 * crossings per row), two shapes with empty rows between them, a zigzag line, a marker line at 70 % opacity
 * and the same strokes on a canvas, under several transforms, cover both branches. A third branch, the
 * end of a shape whose last, partial pixel row has nothing left inside the clip (bytecode 2603), was taken
 * in every run at the Participants page's first visit (session 13, three compilation logs); lines on the
 * canvas that leave it sideways and end inside a pixel row cover it. FX thread; a few milliseconds.
 */
public final class RenderPrimer {
  /** Teeth of the comb: two crossings each, well over the rasteriser's 20. */
  static final int TEETH = 16;
  /** Width of the primer's canvas. */
  static final double CANVAS_W = 100;
  /**
   * Lines drawn on the canvas from inside it to a point left or right of it, at a y that is not a whole
   * pixel: {@code {x0, y0, x1, y1}}.
   */
  static final double[][] OFF_CANVAS_LINES = {
      {20, 5, -20, 40.2}, {20, 5, -20, 42.45}, {20, 5, -20, 44.7},
      {80, 5, 120, 40.2}, {80, 5, 120, 42.45}, {80, 5, 120, 44.7}};

  private RenderPrimer() {}

  /** Renders the primer shapes into a snapshot, {@code times} times. FX thread. */
  public static void prime(int times) {
    Group g = shapes();
    SnapshotParameters params = new SnapshotParameters();
    params.setFill(Color.TRANSPARENT);
    for (int i = 0; i < times; i++) {
      g.snapshot(params, null);
    }
  }

  /** The primer's shapes (package-private for the test): its first child holds the comb, the two-piece shape and the zigzag. */
  static Group shapes() {
    Path comb = comb(0, 40);

    // two pieces of one shape with rows between them that no edge crosses
    Path apart = new Path(new MoveTo(0, 50), new LineTo(20, 50), new LineTo(20, 55), new LineTo(0, 55), new ClosePath(),
        new MoveTo(0, 70), new LineTo(20, 70), new LineTo(20, 75), new LineTo(0, 75), new ClosePath());
    apart.setFill(Color.GRAY);
    apart.setStroke(Color.BLACK);

    // a noisy learning curve: a row through it crosses every segment
    Polyline zigzag = new Polyline();
    for (int i = 0; i <= 2 * TEETH; i++) {
      zigzag.getPoints().addAll(i * 3.0, i % 2 == 0 ? 80.0 : 110.0);
    }
    zigzag.setStroke(Color.BLACK);

    Canvas canvas = new Canvas(CANVAS_W, 120);
    canvas.setLayoutX(100);
    GraphicsContext gc = canvas.getGraphicsContext2D();
    double[] xs = new double[2 * TEETH + 1];
    double[] ys = new double[xs.length];
    for (int i = 0; i < xs.length; i++) {
      xs[i] = i * 3.0;
      ys[i] = i % 2 == 0 ? 10.0 : 60.0;
    }
    gc.setStroke(Color.BLACK);
    gc.strokePolyline(xs, ys, xs.length);
    gc.setFill(Color.GRAY);
    gc.fillPolygon(xs, ys, xs.length);
    gc.strokeLine(50, 0, 50, 120);
    // lines that leave the canvas sideways and end inside a pixel row: their last, partial row has no
    // coverage left inside the canvas (the rasteriser's other branch at the end of a shape, bytecode 2603)
    gc.setLineWidth(2);
    for (double[] line : OFF_CANVAS_LINES) {
      gc.strokeLine(line[0], line[1], line[2], line[3]);
    }
    gc.setLineWidth(1);

    // thin shapes at fractional offsets: rows at a shape's end that end up with no coverage
    Group thin = new Group();
    double[] offsets = {0, 0.125, 0.5, 0.875, 0.999};
    for (int i = 0; i < offsets.length; i++) {
      double y = 130 + 3 * i + offsets[i];
      Path p = new Path(new MoveTo(0, y), new LineTo(30, y), new LineTo(30, y + 0.02 * (i + 1)), new LineTo(0, y + 0.02),
          new ClosePath());
      p.setFill(Color.GRAY);
      thin.getChildren().add(p);
    }

    Group g = new Group(comb, apart, zigzag, marker(50, 120), canvas, thin);
    g.getTransforms().add(new Affine(1.25, 0, 3.5, 0, 1.25, 2.5));
    // a comb and a marker under the other kinds of transform (identity, translation, scale, rotation)
    Group plain = new Group(comb(0.3, 40.6), marker(50.5, 60));
    Group moved = new Group(comb(0.3, 40.6), marker(50.5, 60));
    moved.setTranslateX(0.5);
    moved.setTranslateY(200);
    Group scaled = new Group(comb(0.3, 40.6), marker(50.5, 60));
    scaled.getTransforms().add(new Affine(0.5, 0, 0, 0, 0.5, 0));
    Group turned = new Group(comb(0.3, 40.6), marker(50.5, 60));
    turned.setRotate(15);
    return new Group(g, plain, moved, scaled, turned);
  }

  /** A filled and stroked comb of {@link #TEETH} teeth from y = 0 down to {@code bottom}, shifted by {@code dx}. */
  private static Path comb(double dx, double bottom) {
    Path comb = new Path(new MoveTo(dx, 0));
    for (int i = 0; i < TEETH; i++) {
      double x = i * 6 + dx;
      comb.getElements().addAll(new LineTo(x, bottom), new LineTo(x + 3, bottom), new LineTo(x + 3, 2), new LineTo(x + 6, 2));
    }
    comb.getElements().addAll(new LineTo(TEETH * 6 + dx, 0), new ClosePath());
    comb.setFill(Color.GRAY);
    comb.setStroke(Color.BLACK);
    return comb;
  }

  /** A chart marker: a vertical line at 70 % opacity. */
  private static Line marker(double x, double height) {
    Line marker = new Line(x, 0, x, height);
    marker.setStroke(Color.GRAY);
    marker.setOpacity(0.7);
    return marker;
  }
}
