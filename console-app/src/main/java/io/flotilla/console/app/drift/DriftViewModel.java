package io.flotilla.console.app.drift;

import io.flotilla.engine.api.FederationEvent;
import io.flotilla.engine.api.FederationEvent.DivergenceAlarm;
import io.flotilla.engine.api.FederationEvent.DriftAlarm;
import io.flotilla.engine.api.FederationEvent.DriftIndicators;
import io.flotilla.engine.api.FederationEvent.ParticipantDrift;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyLongProperty;
import javafx.beans.property.ReadOnlyLongWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleObjectProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * State of the Drift page: the engine's per-round drift indicators ({@link DriftIndicators}) of every
 * participant for the last {@link #DEFAULT_CAPACITY} rounds (a ring of columns; each column holds only the
 * participants that reported in that round, so memory grows with contributors, not with the fleet), and the
 * list of drift and divergence alarms, newest first. {@link #changesProperty()} ticks once per batch that
 * changed the grid, so the heat map redraws at most once per batch.
 *
 * <p>Thread-safety: UI thread only.
 */
public final class DriftViewModel {
  /** Rounds the heat map keeps. */
  public static final int DEFAULT_CAPACITY = 1000;
  /** Alarms kept in the list. */
  public static final int MAX_ALARMS = 500;

  /** One drift or divergence alarm, for the list; {@code participantId} null for the whole federation. */
  public record AlarmRow(Instant time, long roundId, String participantId, String kind, double value,
      double threshold, String detail) {
    /** "p03 · label-js 0.081 ≥ 0.050" or "federation · loss-rising". */
    public String title() {
      String who = participantId == null ? "federation" : participantId;
      return Double.isFinite(threshold)
          ? String.format(Locale.ROOT, "%s · %s %.3f ≥ %.3f", who, kind, value, threshold)
          : who + " · " + kind;
    }
  }

  /** One round's column: the lanes (participant numbers) that reported and their four indicator values. */
  private record Column(long roundId, int[] lanes, float[][] values, boolean[] alarm, double federationJs) {}

  /** What is under the pointer or was clicked: a participant in a round, with its indicator values. */
  public record Cell(long roundId, String participantId, double labelJs, double lossTrend, double normTrend,
      double cosine, boolean alarm) {}

  private final int capacity;
  private final Column[] ring;
  private int head; // next slot
  private int size;
  private final Map<String, Integer> laneOf = new HashMap<>();
  private final List<String> laneIds = new ArrayList<>();
  private int[] rowOfLane = new int[0]; // display row of each lane: participants sorted by id
  /**
   * Each lane's first finite label JS: the drift monitor's baseline. Non-IID participants differ from the
   * federation from the start (0.2–0.5 bits on Dirichlet(0.5) partitions), so the heat map colours label JS
   * by its change from this value, which is what the monitor alarms on, not by its level.
   */
  private double[] firstJs = new double[0];
  private final TreeMap<String, Integer> sorted = new TreeMap<>();
  private final ObservableList<AlarmRow> alarms = FXCollections.observableArrayList();
  private final ObservableList<AlarmRow> alarmsView = FXCollections.unmodifiableObservableList(alarms);
  private final ObjectProperty<DriftIndicator> indicator = new SimpleObjectProperty<>(DriftIndicator.LABEL_JS);
  private final ReadOnlyLongWrapper changes = new ReadOnlyLongWrapper();
  private final ReadOnlyStringWrapper summary = new ReadOnlyStringWrapper("No drift indicators yet: they come with "
      + "each committed round when the federation monitors drift.");
  private final ReadOnlyObjectWrapper<String> selected = new ReadOnlyObjectWrapper<>();

  public DriftViewModel() {
    this(DEFAULT_CAPACITY);
  }

  public DriftViewModel(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("drift history needs at least one round, got " + capacity);
    }
    this.capacity = capacity;
    this.ring = new Column[capacity];
    indicator.addListener((o, was, is) -> changes.set(changes.get() + 1));
  }

  /** Applies a batch of events in order; ticks {@link #changesProperty()} once if the grid changed. UI thread. */
  public void apply(List<FederationEvent> batch) {
    boolean changed = false;
    for (FederationEvent e : batch) {
      if (e instanceof DriftIndicators di) {
        add(di);
        changed = true;
      } else if (e instanceof DriftAlarm da) {
        alarm(new AlarmRow(da.time(), da.roundId(), da.participantId(), da.indicator(), da.value(), da.threshold(),
            da.detail()));
      } else if (e instanceof DivergenceAlarm dv) {
        alarm(new AlarmRow(dv.time(), dv.roundId(), null, dv.kind(), Double.NaN, Double.NaN,
            dv.detail() + ("none".equals(dv.reaction()) ? "" : " · reaction: " + dv.reaction())));
      }
    }
    if (changed) {
      changes.set(changes.get() + 1);
    }
  }

  private void add(DriftIndicators di) {
    List<ParticipantDrift> ps = di.participants();
    int n = ps.size();
    int[] lanes = new int[n];
    float[][] values = new float[DriftIndicator.values().length][n];
    boolean[] alarm = new boolean[n];
    int alarmed = 0;
    for (int i = 0; i < n; i++) {
      ParticipantDrift d = ps.get(i);
      lanes[i] = lane(d.participantId());
      if (Double.isNaN(firstJs[lanes[i]]) && Double.isFinite(d.labelJs())) {
        firstJs[lanes[i]] = (float) d.labelJs(); // as the grid holds it: an unchanged value is exactly calm
      }
      for (DriftIndicator k : DriftIndicator.values()) {
        values[k.ordinal()][i] = (float) k.value(d);
      }
      alarm[i] = d.alarm();
      alarmed += d.alarm() ? 1 : 0;
    }
    ring[head] = new Column(di.roundId(), lanes, values, alarm, di.federationJs());
    head = (head + 1) % capacity;
    size = Math.min(size + 1, capacity);
    summary.set(String.format(Locale.ROOT, "round %d · %d participant%s reported · %d over a threshold · "
        + "federation label JS %.4f bit", di.roundId(), n, n == 1 ? "" : "s", alarmed, di.federationJs()));
  }

  private int lane(String id) {
    Integer l = laneOf.get(id);
    if (l != null) {
      return l;
    }
    int lane = laneIds.size();
    laneIds.add(id);
    laneOf.put(id, lane);
    sorted.put(id, lane);
    firstJs = Arrays.copyOf(firstJs, laneIds.size());
    firstJs[lane] = Double.NaN;
    rowOfLane = new int[laneIds.size()];
    int row = 0;
    for (int ln : sorted.values()) {
      rowOfLane[ln] = row++;
    }
    return lane;
  }

  private void alarm(AlarmRow a) {
    alarms.add(0, a);
    if (alarms.size() > MAX_ALARMS) {
      alarms.remove(MAX_ALARMS, alarms.size());
    }
  }

  // ------------------------------------------------------------------ the grid, for drawing

  /** Rounds held (at most the capacity). */
  public int rounds() {
    return size;
  }

  /** Participants seen so far: the heat map's rows. */
  public int participants() {
    return laneIds.size();
  }

  /** The participant shown in display row {@code row} (rows are sorted by id). */
  public String participantAtRow(int row) {
    for (int lane = 0; lane < rowOfLane.length; lane++) {
      if (rowOfLane[lane] == row) {
        return laneIds.get(lane);
      }
    }
    return null;
  }

  /** The display row of {@code participantId}, or -1. */
  public int rowOf(String participantId) {
    Integer lane = laneOf.get(participantId);
    return lane == null ? -1 : rowOfLane[lane];
  }

  /** The round id of column {@code col} (0 = oldest held). */
  public long roundAt(int col) {
    return column(col).roundId();
  }

  private Column column(int col) {
    if (col < 0 || col >= size) {
      throw new IndexOutOfBoundsException("column " + col + " of " + size);
    }
    return ring[(head - size + col + capacity) % capacity];
  }

  /**
   * Fills {@code heat} (row-major, {@code rows × cols}, NaN where a participant did not report) with the
   * chosen indicator's heat for the columns {@code fromCol .. fromCol + cols - 1}, and {@code alarm} likewise.
   */
  public void fill(int fromCol, int cols, float[] heat, boolean[] alarm) {
    int rows = participants();
    Arrays.fill(heat, 0, rows * cols, Float.NaN);
    Arrays.fill(alarm, 0, rows * cols, false);
    DriftIndicator k = indicator.get();
    for (int c = 0; c < cols; c++) {
      Column col = column(fromCol + c);
      float[] v = col.values()[k.ordinal()];
      for (int i = 0; i < col.lanes().length; i++) {
        int lane = col.lanes()[i];
        int at = rowOfLane[lane] * cols + c;
        heat[at] = (float) k.heat(k == DriftIndicator.LABEL_JS ? v[i] - firstJs[lane] : v[i]);
        alarm[at] = col.alarm()[i];
      }
    }
  }

  /** The cell of {@code participantId} in column {@code col}, or null when it did not report that round. */
  public Cell cell(int col, String participantId) {
    Integer lane = laneOf.get(participantId);
    if (lane == null || col < 0 || col >= size) {
      return null;
    }
    Column c = column(col);
    for (int i = 0; i < c.lanes().length; i++) {
      if (c.lanes()[i] == lane) {
        float[][] v = c.values();
        return new Cell(c.roundId(), participantId, v[0][i], v[1][i], v[2][i], v[3][i], c.alarm()[i]);
      }
    }
    return null;
  }

  /** {@code participantId}'s first reported label JS (its baseline), NaN before one. */
  public double firstLabelJs(String participantId) {
    Integer lane = laneOf.get(participantId);
    return lane == null ? Double.NaN : firstJs[lane];
  }

  /** Selects a participant (a click on a cell or an alarm); null clears. UI thread. */
  public void select(String participantId) {
    selected.set(participantId);
  }

  // ------------------------------------------------------------------ properties

  /** The indicator the heat map shows. */
  public ObjectProperty<DriftIndicator> indicatorProperty() {
    return indicator;
  }

  /** Ticks when the grid or the indicator changed. */
  public ReadOnlyLongProperty changesProperty() {
    return changes.getReadOnlyProperty();
  }

  /** Drift and divergence alarms, newest first. */
  public ObservableList<AlarmRow> alarms() {
    return alarmsView;
  }

  /** The newest round's indicators in words. */
  public ReadOnlyStringProperty summaryProperty() {
    return summary.getReadOnlyProperty();
  }

  /** The selected participant, or null. */
  public ReadOnlyObjectProperty<String> selectedProperty() {
    return selected.getReadOnlyProperty();
  }
}
