package io.flotilla.console.app.settings;

/**
 * What the console remembers between runs: the window's place and size, the theme, the page that was
 * open and the Participants table's hidden columns. Immutable. Unknown values ({@link Double#NaN} position, a null page) mean "use the default".
 *
 * @param x window left edge in screen coordinates, NaN when not known (the window is centred)
 * @param y window top edge, NaN when not known
 * @param width window width
 * @param height window height
 * @param maximized whether the window was maximised
 * @param dark dark theme instead of light
 * @param page name of the page that was open ({@code OVERVIEW}, {@code TIMELINE} …), null for the default
 * @param participantsHiddenColumns ids of the Participants table's hidden columns ({@code colAccepted} …),
 *     null for the default choice
 */
public record ConsoleSettings(double x, double y, double width, double height, boolean maximized, boolean dark,
    String page, java.util.List<String> participantsHiddenColumns) {
  /** Width and height of a first run. */
  public static final double DEFAULT_WIDTH = 1280;
  public static final double DEFAULT_HEIGHT = 800;

  /** A first run: centred 1280 × 800, light theme, the Overview page. */
  public static final ConsoleSettings DEFAULTS =
      new ConsoleSettings(Double.NaN, Double.NaN, DEFAULT_WIDTH, DEFAULT_HEIGHT, false, false, null, null);

  public ConsoleSettings {
    if (!(width >= 200) || !Double.isFinite(width)) {
      width = DEFAULT_WIDTH;
    }
    if (!(height >= 150) || !Double.isFinite(height)) {
      height = DEFAULT_HEIGHT;
    }
    if (participantsHiddenColumns != null) {
      participantsHiddenColumns = java.util.List.copyOf(participantsHiddenColumns);
    }
  }

  /** True when the position is known. */
  public boolean hasPosition() {
    return Double.isFinite(x) && Double.isFinite(y);
  }

  public ConsoleSettings withBounds(double nx, double ny, double w, double h, boolean max) {
    return new ConsoleSettings(nx, ny, w, h, max, dark, page, participantsHiddenColumns);
  }

  public ConsoleSettings withDark(boolean d) {
    return new ConsoleSettings(x, y, width, height, maximized, d, page, participantsHiddenColumns);
  }

  public ConsoleSettings withPage(String p) {
    return new ConsoleSettings(x, y, width, height, maximized, dark, p, participantsHiddenColumns);
  }

  public ConsoleSettings withParticipantsHiddenColumns(java.util.List<String> hidden) {
    return new ConsoleSettings(x, y, width, height, maximized, dark, page, hidden);
  }
}
