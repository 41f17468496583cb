package io.flotilla.console.app.console;

import atlantafx.base.controls.Notification;
import atlantafx.base.theme.Styles;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import javafx.animation.FadeTransition;
import javafx.animation.PauseTransition;
import javafx.application.Platform;
import javafx.collections.ListChangeListener;
import javafx.collections.ObservableList;
import javafx.scene.Node;
import javafx.scene.control.ButtonBase;
import javafx.scene.input.MouseEvent;
import javafx.scene.layout.Region;
import javafx.util.Duration;
import org.kordamp.ikonli.javafx.FontIcon;
import org.kordamp.ikonli.materialdesign2.MaterialDesignA;
import org.kordamp.ikonli.materialdesign2.MaterialDesignC;

/**
 * Shows each new alarm (an aborted round, a suspended participant, a failed federation) as a toast in the
 * console's window, bottom right, for a few seconds; clicking it opens what it is about. Bursts are
 * coalesced: at most one notification per {@link #QUIET}; alarms arriving meanwhile are shown together in
 * one ("3 alarms: …") when the quiet time ends, so a storm never buries the window. The newest alarm of a
 * summary is what a click on it opens; a newer notification replaces the one on screen (the Overview keeps
 * the full alarm list).
 *
 * <p>The toast is one AtlantaFX {@link Notification} built once and reused: it lives in the window's scene
 * from the start (hidden), so its skin and CSS are ready before the first alarm, and showing one only sets
 * its text and makes it visible. A ControlsFX popup per notification cost the FX thread 70–250 ms each (a
 * new window and scene whose CSS is matched against the whole theme) and almost a second the first time,
 * inside the event batch that raised the alarm (docs/RESULTS.md, console responsiveness).
 *
 * <p>Thread-safety: FX thread only.
 */
public final class AlarmNotifier {
  /** Least time between two notifications. */
  public static final Duration QUIET = Duration.seconds(3);
  /** How long a notification stays before it fades out. */
  public static final Duration SHOWN_FOR = Duration.seconds(6);

  private final Consumer<Alarm> onOpen;
  private final List<Alarm> waiting = new ArrayList<>();
  private final PauseTransition quiet;
  private final PauseTransition linger;
  private final Notification toast = new Notification();
  private final FontIcon icon = new FontIcon();
  private final FadeTransition fade = new FadeTransition(Duration.millis(400), toast);
  private boolean cooling;
  private int shown;
  private String lastTitle = "";
  private Alarm subject;

  /**
   * @param alarms the console's alarm list (newest first)
   * @param onOpen opens an alarm's subject when its notification is clicked
   */
  public AlarmNotifier(ObservableList<Alarm> alarms, Consumer<Alarm> onOpen) {
    this(alarms, onOpen, QUIET);
  }

  /** As above, with {@code quietTime} between notifications (tests shorten it). */
  public AlarmNotifier(ObservableList<Alarm> alarms, Consumer<Alarm> onOpen, Duration quietTime) {
    this(alarms, onOpen, quietTime, SHOWN_FOR);
  }

  /** As above, each notification staying {@code shownFor} before it fades (tests shorten it). */
  public AlarmNotifier(ObservableList<Alarm> alarms, Consumer<Alarm> onOpen, Duration quietTime,
      Duration shownFor) {
    this.quiet = new PauseTransition(quietTime);
    this.linger = new PauseTransition(shownFor);
    this.onOpen = Objects.requireNonNull(onOpen, "onOpen");
    Objects.requireNonNull(alarms, "alarms");
    toast.setId("alarmToast");
    toast.getStyleClass().add(Styles.ELEVATED_2);
    // its drop shadow is re-rendered (offscreen image, blur, merge) on every frame that touches it, each frame
    // of the fade too; cached, a frame draws one image (the cache survives opacity changes)
    toast.setCache(true);
    toast.setGraphic(icon);
    toast.setPrefWidth(400);
    toast.setMaxSize(Region.USE_PREF_SIZE, Region.USE_PREF_SIZE);
    toast.setVisible(false);
    toast.setOnClose(e -> hide());
    toast.addEventHandler(MouseEvent.MOUSE_CLICKED, e -> {
      // the close button (AtlantaFX's "close-button") hides it first: a click there opens nothing
      if (toast.isVisible() && !onAButton(e.getPickResult().getIntersectedNode()) && subject != null) {
        Alarm open = subject;
        hide();
        onOpen.accept(open);
      }
    });
    fade.setFromValue(1);
    fade.setToValue(0);
    fade.setOnFinished(e -> toast.setVisible(false));
    linger.setOnFinished(e -> fade.playFromStart());
    quiet.setOnFinished(e -> {
      cooling = false;
      flush();
    });
    // the first CSS pass builds the skin; run it as soon as the toast is in a window, off any event batch
    toast.sceneProperty().addListener((o, was, is) -> {
      if (is != null) {
        Platform.runLater(toast::applyCss);
      }
    });
    alarms.addListener((ListChangeListener<Alarm>) c -> {
      while (c.next()) {
        if (c.wasAdded()) {
          List<Alarm> added = new ArrayList<>(c.getAddedSubList());
          Collections.reverse(added); // oldest first
          waiting.addAll(added);
        }
      }
      if (!cooling) {
        flush();
      }
    });
  }

  /** The toast, to be laid over the window's content (bottom right); hidden while there is nothing to show. */
  public Node node() {
    return toast;
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
    subject = newest;
    cooling = true;
    quiet.playFromStart();
    show(title, text, error);
  }

  private void show(String title, String text, boolean error) {
    toast.setMessage(text.isEmpty() ? title : title + "\n" + text);
    icon.setIconCode(error ? MaterialDesignC.CLOSE_CIRCLE_OUTLINE : MaterialDesignA.ALERT_OUTLINE);
    String wanted = error ? Styles.DANGER : Styles.WARNING;
    if (!toast.getStyleClass().contains(wanted)) { // a style class change costs the toast a CSS pass
      toast.getStyleClass().removeAll(Styles.DANGER, Styles.WARNING);
      toast.getStyleClass().add(wanted);
    }
    fade.stop();
    toast.setOpacity(1);
    toast.setVisible(true);
    linger.playFromStart();
  }

  private void hide() {
    linger.stop();
    fade.stop();
    toast.setVisible(false);
  }

  private static boolean onAButton(Node n) {
    for (Node p = n; p != null; p = p.getParent()) {
      if (p instanceof ButtonBase || p.getStyleClass().contains("close-button")) {
        return true;
      }
    }
    return false;
  }

  /** Notifications shown so far (each may cover several alarms). */
  public int shown() {
    return shown;
  }

  /** The title of the last notification shown. */
  public String lastTitle() {
    return lastTitle;
  }

  /** Whether a notification is on screen now. */
  public boolean isShowing() {
    return toast.isVisible();
  }
}
