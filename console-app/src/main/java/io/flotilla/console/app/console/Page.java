package io.flotilla.console.app.console;

/**
 * The console's pages, in rail order. A page is listed only when what it shows is available: the Models
 * and Audit pages need a federation that keeps history (a store). Immutable.
 */
public enum Page {
  OVERVIEW("Overview", false),
  TIMELINE("Timeline", false),
  PARTICIPANTS("Participants", false),
  LEARNING("Learning", false),
  MODELS("Models", true),
  AUDIT("Audit log", true),
  DRIFT("Drift", false),
  CALIBRATION("Calibration", false),
  FAULTS("Simulator", false),
  ENROLLMENTS("Enrollments", true),
  TUNING("Tuning", false);

  private final String title;
  private final boolean needsHistory;

  Page(String title, boolean needsHistory) {
    this.title = title;
    this.needsHistory = needsHistory;
  }

  public String title() {
    return title;
  }

  /** True when the page reads the federation's stored history (model versions, audit log). */
  public boolean needsHistory() {
    return needsHistory;
  }

  /** The page named {@code name}, or {@code fallback} for null or an unknown name. */
  public static Page parse(String name, Page fallback) {
    if (name != null) {
      for (Page p : values()) {
        if (p.name().equals(name)) {
          return p;
        }
      }
    }
    return fallback;
  }
}
