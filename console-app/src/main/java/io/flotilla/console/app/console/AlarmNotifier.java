package io.flotilla.console.app.console;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;
import javafx.animation.PauseTransition;
import javafx.collections.ListChangeListener;
import javafx.collections.ObservableList;
import javafx.geometry.Pos;
import javafx.stage.Window;
import javafx.util.Duration;
import org.controlsfx.control.Notifications;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pops up a ControlsFX notification for each new alarm (an aborted round, a suspended participant, a failed
 * federation), bottom right, for a few seconds; clicking it opens what it is about. Bursts are coalesced:
 * at most one notification per {@link #QUIET}; alarms arriving meanwhile are shown together in one
 * ("3 alarms: …") when the quiet time ends, so a storm never buries the window. The list's newest alarm is
 * what a click on a summary opens.
 *
 * <p>Thread-safety: FX thread only.
 */
public final class AlarmNotifier {
  /** Least time between two notifications. */
  public static final Duration QUIET = Duration.seconds(3);

  private static final Logger log = LoggerFactory.getLogger(AlarmNotifier.class);

  private final Supplier<Window> owner;
  private final Consumer<Alarm> onOpen;
  private final List<Alarm> waiting = new ArrayList<>();
  private final PauseTransition quiet;
  private boolean cooling;
  private int shown;
  private String lastTitle = "";

  /**
   * @param alarms the console's alarm list (newest first)
   * @param owner the window to show notifications over (may supply null before it is shown)
   * @param onOpen opens an alarm's subject when its notification is clicked
   */
  public AlarmNotifier(ObservableList<Alarm> alarms, Supplier<Window> owner, Consumer<Alarm> onOpen) {
    this(alarms, owner, onOpen, QUIET);
  }

  /** As above, with {@code quietTime} between notifications (tests shorten it). */
  public AlarmNotifier(ObservableList<Alarm> alarms, Supplier<Window> owner, Consumer<Alarm> onOpen,
      Duration quietTime) {
    this.quiet = new PauseTransition(quietTime);
    this.owner = owner;
    this.onOpen = onOpen;
    quiet.setOnFinished(e -> {
      cooling = false;
      flush();
    });
    alarms.addListener((ListChangeListener<Alarm>) c -> {
      while (c.next()) {
        if (c.wasAdded()) {
          List<Alarm> added = new ArrayList<>(c.getAddedSubList());
          java.util.Collections.reverse(added); // oldest first
          waiting.addAll(added);
        }
      }
      if (!cooling) {
        flush();
      }
    });
  }

  private void flush() {
    if (waiting.isEmpty()) {
      return;
    }
    List<Alarm> batch = List.copyOf(waiting);
    waiting.clear();
    Alarm newest = batch.get(batch.size() - 1);
    String title;
    String text;
    if (batch.size() == 1) {
      title = newest.title();
      text = newest.text();
    } else {
      title = batch.size() + " alarms";
      StringBuilder sb = new StringBuilder();
      for (int i = batch.size() - 1; i >= Math.max(0, batch.size() - 4); i--) {
        sb.append(batch.get(i).title()).append('\n');
      }
      if (batch.size() > 4) {
        sb.append("… and ").append(batch.size() - 4).append(" more");
      }
      text = sb.toString().trim();
    }
    boolean error = batch.stream().anyMatch(a -> a.severity() == Alarm.Severity.ERROR);
    shown++;
    lastTitle = title;
    cooling = true;
    quiet.playFromStart();
    Window w = owner.get();
    if (w == null || !w.isShowing()) {
      return;
    }
    try {
      Notifications n = Notifications.create().title(title).text(text).owner(w).position(Pos.BOTTOM_RIGHT)
          .hideAfter(Duration.seconds(6)).onAction(e -> onOpen.accept(newest));
      if (error) {
        n.showError();
      } else {
        n.showWarning();
      }
    } catch (RuntimeException e) {
      log.warn("could not show a notification for '{}'", title, e);
    }
  }

  /** Notifications shown so far (each may cover several alarms). */
  public int shown() {
    return shown;
  }

  /** The title of the last notification shown. */
  public String lastTitle() {
    return lastTitle;
  }
}
