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
      return fixed(millis / 1000.0, 1) + " s";
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
    return Double.isFinite(value) ? fixed(value, 4) : NONE;
  }

  private static final double[] POW10 = {1, 10, 100, 1_000, 10_000, 100_000, 1_000_000};

  /**
   * {@code v} with {@code decimals} decimals (0–6), exactly as {@code String.format(Locale.ROOT, "%.nf", v)}
   * writes it, without a Formatter: the console formats thousands of numbers per round (a Formatter call
   * costs microseconds). Values too large or too close to a rounding tie for double arithmetic to be sure of
   * the Formatter's rounding go to the Formatter.
   */
  public static String fixed(double v, int decimals) {
    return fixed(v, decimals, false);
  }

  /** As {@link #fixed} with a sign always written: {@code "%+.nf"}. */
  public static String signedFixed(double v, int decimals) {
    return fixed(v, decimals, true);
  }

  private static String fixed(double v, int decimals, boolean sign) {
    if (decimals < 0 || decimals >= POW10.length) {
      throw new IllegalArgumentException("decimals must be 0–6: " + decimals);
    }
    boolean negative = v < 0 || (v == 0 && 1 / v < 0);
    double a = Math.abs(v) * POW10[decimals];
    double frac = a - Math.floor(a);
    if (!(a < 1e9) || Math.abs(frac - 0.5) < 1e-6) { // NaN, infinite, huge, or a near-tie
      return String.format(Locale.ROOT, sign ? "%+." + decimals + "f" : "%." + decimals + "f", v);
    }
    String digits = Long.toString(Math.round(a));
    StringBuilder sb = new StringBuilder(digits.length() + decimals + 3);
    if (negative) {
      sb.append('-');
    } else if (sign) {
      sb.append('+');
    }
    if (decimals == 0) {
      return sb.append(digits).toString();
    }
    for (int pad = decimals + 1 - digits.length(); pad > 0; pad--) {
      sb.append('0');
    }
    sb.append(digits);
    sb.insert(sb.length() - decimals, '.');
    return sb.toString();
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
    if (n > -1_000 && n < 1_000) {
      return Long.toString(n);
    }
    if (n == Long.MIN_VALUE) {
      return String.format(Locale.ROOT, "%,d", n);
    }
    // table cells format these on every update: no Formatter
    String digits = Long.toString(Math.abs(n));
    StringBuilder sb = new StringBuilder(digits.length() + digits.length() / 3 + 1);
    if (n < 0) {
      sb.append('-');
    }
    int head = digits.length() % 3 == 0 ? 3 : digits.length() % 3;
    sb.append(digits, 0, head);
    for (int i = head; i < digits.length(); i += 3) {
      sb.append(',').append(digits, i, i + 3);
    }
    return sb.toString();
  }

  /** A score in [0, 1] with two decimals, or "—" when not finite. */
  public static String score(double v) {
    return Double.isFinite(v) ? fixed(v, 2) : NONE;
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
