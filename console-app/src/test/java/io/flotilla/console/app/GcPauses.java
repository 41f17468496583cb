package io.flotilla.console.app;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;
import javax.management.ListenerNotFoundException;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

/**
 * Records the JVM's garbage-collection pauses while running, with their start on the JVM's uptime clock, so
 * that a pulse gap can be matched with a pause that stopped every thread (the FX thread and the sampler
 * alike). G1's young and mixed collections stop the world for their whole duration; its concurrent cycle
 * (reported under "G1 Old Generation" only for full collections) does not. Diagnostics for
 * {@link ConsoleResponsivenessTest}.
 */
final class GcPauses implements NotificationListener {
  private record Pause(long startUptimeMs, long durationMs, String what) {}

  private final ConcurrentLinkedQueue<Pause> pauses = new ConcurrentLinkedQueue<>();
  private final List<NotificationEmitter> emitters = new ArrayList<>();

  void start() {
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      if (gc instanceof NotificationEmitter e) {
        e.addNotificationListener(this, null, null);
        emitters.add(e);
      }
    }
  }

  void stop() {
    for (NotificationEmitter e : emitters) {
      try {
        e.removeNotificationListener(this);
      } catch (ListenerNotFoundException ignored) {
        // already gone
      }
    }
    emitters.clear();
  }

  @Override
  public void handleNotification(Notification n, Object handback) {
    if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(n.getType())) {
      return;
    }
    GarbageCollectionNotificationInfo info = GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData());
    if (info.getGcName().contains("Concurrent") || info.getGcName().contains("Cycles")) {
      return; // concurrent work, not a pause
    }
    pauses.add(new Pause(info.getGcInfo().getStartTime(), info.getGcInfo().getDuration(),
        info.getGcName() + ", " + info.getGcCause()));
  }

  /**
   * Timeline lines ("12.34 s: GC pause of 45 ms (G1 Young Generation, G1 Evacuation Pause)") for pauses of at
   * least {@code minMs}, in seconds since {@code originUptimeMs} on the JVM's uptime clock.
   */
  List<String> lines(long originUptimeMs, long minMs) {
    List<String> out = new ArrayList<>();
    for (Pause p : pauses) {
      if (p.durationMs() >= minMs) {
        out.add(String.format(Locale.ROOT, "%.2f s: GC pause of %d ms (%s)", (p.startUptimeMs() - originUptimeMs) / 1e3,
            p.durationMs(), p.what()));
      }
    }
    return out;
  }
}
