package io.flotilla.console.app.format;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * How the console writes numbers, times and durations, the same way in every view: fixed decimals, a unit
 * after a thin space ("1.2 s", "84.1 %"), "—" for a value that is not known yet. Stateless and thread-safe.
 */
public final class Units {
  /** Shown where a value is not known (yet). */
  public static final String NONE = "—";

  private static final DateTimeFormatter CLOCK =
      DateTimeFormatter.ofPattern("HH:mm:ss", Locale.ROOT).withZone(ZoneId.systemDefault());

  private static final DateTimeFormatter CLOCK_MILLIS =
      DateTimeFormatter.ofPattern("HH:mm:ss.SSS", Locale.ROOT).withZone(ZoneId.systemDefault());

  private Units() {}

  /** "850 ms", "1.2 s", "2 min 5 s", or "—" for a negative value. */
  public static String duration(long millis) {
    if (millis < 0) {
      return NONE;
    }
    if (millis < 1_000) {
      return millis + " ms";
    }
    if (millis < 60_000) {
      return String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
    }
    long s = Math.round(millis / 1000.0);
    return (s / 60) + " min " + (s % 60) + " s";
  }

  /** A fraction in [0, 1] as "84.1 %", or "—" when not finite. */
  public static String percent(double fraction) {
    if (!Double.isFinite(fraction)) {
      return NONE;
    }
    double p = fraction * 100;
    if (Math.abs(p) >= 1e12) {
      return String.format(Locale.ROOT, "%.1f %%", p);
    }
    // tables format thousands of these per second: integer arithmetic instead of a Formatter per call
    long tenths = Math.round(Math.abs(p) * 10);
    return (p < 0 && tenths != 0 ? "-" : "") + tenths / 10 + "." + tenths % 10 + " %";
  }

  /** A loss with four decimals, or "—" when not finite. */
  public static String loss(double value) {
    return Double.isFinite(value) ? String.format(Locale.ROOT, "%.4f", value) : NONE;
  }

  /** A rate such as events per second, without its unit: one decimal below 10, none above. */
  public static String rate(double perSecond) {
    if (!Double.isFinite(perSecond) || perSecond < 0) {
      return NONE;
    }
    return perSecond < 10
        ? String.format(Locale.ROOT, "%.1f", perSecond)
        : String.format(Locale.ROOT, "%.0f", perSecond);
  }

  /** Wall-clock time of day in the local zone, "14:03:27". */
  public static String clock(Instant t) {
    return CLOCK.format(t);
  }

  /** Wall-clock time of day with milliseconds, "14:03:27.412". */
  public static String clockMillis(Instant t) {
    return CLOCK_MILLIS.format(t);
  }

  /** A plain count with thousands separators, "12,345". */
  public static String count(long n) {
    return String.format(Locale.ROOT, "%,d", n);
  }

  /** A score in [0, 1] with two decimals, or "—" when not finite. */
  public static String score(double v) {
    return Double.isFinite(v) ? String.format(Locale.ROOT, "%.2f", v) : NONE;
  }

  /** "just now", "12 s ago", "3 min ago", "2 h ago". */
  public static String ago(Instant then, Instant now) {
    long s = Math.max(0, Math.round(Duration.between(then, now).toMillis() / 1000.0));
    if (s < 2) {
      return "just now";
    }
    if (s < 60) {
      return s + " s ago";
    }
    if (s < 3600) {
      return (s / 60) + " min ago";
    }
    return (s / 3600) + " h ago";
  }
}
