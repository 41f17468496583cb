package io.flotilla.console.app.console;

import io.fair_acc.chartfx.renderer.spi.utils.DashPatternStyle;
import java.lang.reflect.Field;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps chart-fx's grid-line patterns from being made again and again on the FX thread.
 *
 * <p>chart-fx 11.3 draws every grid line with {@link DashPatternStyle#strokeDashedLine}, which fills a
 * rectangle with an image of one dash period. It makes each image by building a tiny scene and taking a
 * snapshot of it: a synchronous render, for which the FX thread waits on the render thread (5–45 ms in the
 * live minute). It caches the images in a {@code WeakHashMap} keyed by a freshly boxed {@code Integer}
 * that nothing else refers to, so every garbage collection empties the cache, and the next time a chart
 * draws its grid it takes its snapshots again: the Learning page stalled for 50–65 ms on returning to it
 * after a young collection (docs/RESULTS.md, session 10).
 *
 * <p>A {@link PageChart} draws once while its page is warmed, hidden, at load, which makes its patterns
 * ahead of time, and after each draw calls {@link #pin}, which holds the cache's keys so that they stay.
 * The keys are held by identity, a handful per grid style (colour, width, dashes and direction). If a later
 * chart-fx has no such cache, pinning does nothing. FX thread only.
 */
public final class GridPatterns {
  private static final Logger log = LoggerFactory.getLogger(GridPatterns.class);
  private static final Set<Object> PINNED = Collections.newSetFromMap(new IdentityHashMap<>());
  private static final Map<?, ?> CACHE = cache();

  private GridPatterns() {}

  /** Holds every key now in chart-fx's pattern cache, so the garbage collector leaves its entries. */
  public static void pin() {
    if (CACHE != null && CACHE.size() > PINNED.size()) {
      PINNED.addAll(CACHE.keySet());
    }
  }

  /** Number of pattern keys held (tests). */
  static int pinned() {
    return PINNED.size();
  }

  private static Map<?, ?> cache() {
    try {
      Field f = DashPatternStyle.class.getDeclaredField("dashHashMap");
      f.setAccessible(true);
      return (Map<?, ?>) f.get(null);
    } catch (ReflectiveOperationException | RuntimeException ex) {
      log.debug("chart-fx's dash pattern cache not found; grid patterns are not pinned", ex);
      return null;
    }
  }
}
