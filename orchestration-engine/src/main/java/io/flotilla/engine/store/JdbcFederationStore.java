package io.flotilla.engine.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.flotilla.engine.api.FederationConfig;
import io.flotilla.engine.audit.AuditEntry;
import io.flotilla.engine.audit.AuditLog;
import io.flotilla.engine.audit.AuditVerification;
import io.flotilla.engine.model.ModelState;
import io.flotilla.engine.model.ParameterLayout;
import io.flotilla.engine.model.SafetensorsException;
import io.flotilla.engine.model.SafetensorsFile;
import io.flotilla.engine.model.TensorSpec;
import io.flotilla.engine.spi.AggregationStrategy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.Locale;
import java.util.TreeMap;
import java.util.TreeSet;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The federation store over JDBC: an H2 embedded file database by default ({@code <state-dir>/flotilla.mv.db},
 * opened with {@code WRITE_DELAY=0} so a commit reaches the file before it returns), schema managed by Flyway
 * migrations ({@code db/migration/V*__*.sql}), model parameters as content-addressed safetensors blobs in
 * {@code <state-dir>/models/} (see {@link ModelBlobStore}).
 *
 * <p>A round commit writes and fsyncs the blob first, then records everything in one transaction, then
 * checkpoints the database to disk; a crash before the transaction commits leaves the previous version
 * current (the blob is an orphan, swept at the next open), a crash after leaves the new one. Besides what
 * the coordinator needs ({@link FederationStore}) it answers the operator's questions: versions, diffs,
 * export and import, tags, retention and the audit chain.
 *
 * <p>Thread-safe: one connection, every method synchronized. An embedded H2 file can be open in one process
 * at a time; a second process gets a {@link StoreException} saying the state directory is in use.
 */
public final class JdbcFederationStore implements FederationStore {
  private static final Logger log = LoggerFactory.getLogger(JdbcFederationStore.class);
  private static final ObjectMapper JSON = new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);
  private static final String COORDINATOR = "coordinator";

  /**
   * The highest migration version in {@code db/migration}; a store whose schema history already reached it
   * opens without starting Flyway (which costs more than a second per start). A test keeps it in step with
   * the migration files.
   */
  static final int SCHEMA_VERSION = 3;

  private final Connection conn;
  private final ModelBlobStore blobs;
  private final Clock clock;
  private final boolean checkpointOnCommit;
  private final String location;
  private final Map<String, Long> ids = new HashMap<>();
  private volatile StoreProbe probe = StoreProbe.NONE;
  private boolean closed;

  private JdbcFederationStore(Connection conn, ModelBlobStore blobs, Clock clock, boolean checkpointOnCommit,
      String location) {
    this.conn = conn;
    this.blobs = blobs;
    this.clock = clock;
    this.checkpointOnCommit = checkpointOnCommit;
    this.location = location;
  }

  /** Opens (creating if needed) the H2 store in {@code stateDir}, with the system clock. */
  public static JdbcFederationStore openDirectory(Path stateDir) {
    return openDirectory(stateDir, Clock.systemUTC());
  }

  /** Opens (creating if needed) the H2 store in {@code stateDir}. */
  public static JdbcFederationStore openDirectory(Path stateDir, Clock clock) {
    Path dir = stateDir.toAbsolutePath().normalize();
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new StoreException("cannot create state directory " + dir + ": " + e.getMessage(), e);
    }
    if (!Files.exists(dir.resolve("flotilla.mv.db"))) {
      initialize(dir);
    }
    String url = "jdbc:h2:file:" + dir.resolve("flotilla") + ";WRITE_DELAY=0";
    return open(url, "sa", "", dir.resolve("models"), clock, true, "state directory " + dir);
  }

  /**
   * Creates the database under a temporary name, migrates it and renames it into place: H2 commits DDL
   * statement by statement, so a crash in the middle of the first migration would otherwise leave a
   * half-made schema that Flyway refuses. A leftover of such a crash is simply made again.
   */
  private static void initialize(Path dir) {
    Path init = dir.resolve("flotilla-init.mv.db");
    String url = "jdbc:h2:file:" + dir.resolve("flotilla-init") + ";WRITE_DELAY=0";
    try {
      Files.deleteIfExists(init);
      Files.deleteIfExists(dir.resolve("flotilla-init.trace.db"));
      try (Connection c = DriverManager.getConnection(url, "sa", "")) {
        Flyway.configure(JdbcFederationStore.class.getClassLoader()).dataSource(url, "sa", "")
            .locations("classpath:db/migration").load().migrate();
        try (Statement st = c.createStatement()) {
          st.execute("SHUTDOWN");
        }
      }
      Files.move(init, dir.resolve("flotilla.mv.db"), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      SafetensorsFile.fsyncDirectory(dir);
    } catch (IOException | SQLException | RuntimeException e) {
      throw new StoreException("cannot create the database in " + dir + ": " + e.getMessage(), e);
    }
  }

  /**
   * Opens a store at any JDBC URL (H2 in memory for tests, another H2 file) with blobs in {@code blobDir}.
   * The migrations are written for H2; another database needs its own dialect of them.
   */
  public static JdbcFederationStore open(String jdbcUrl, String user, String password, Path blobDir, Clock clock) {
    return open(jdbcUrl, user, password, blobDir, clock, jdbcUrl.startsWith("jdbc:h2:file:"), jdbcUrl);
  }

  private static JdbcFederationStore open(String url, String user, String password, Path blobDir, Clock clock,
      boolean checkpoint, String location) {
    Connection c;
    try {
      c = DriverManager.getConnection(url, user, password);
    } catch (SQLException e) {
      if (e.getErrorCode() == 90020 || String.valueOf(e.getMessage()).contains("already in use")) {
        throw new StoreException(location + " is in use by another process (a running coordinator?); stop it "
            + "first or use a copy of the directory", e);
      }
      throw new StoreException("cannot open " + location + ": " + e.getMessage(), e);
    }
    try {
      if (!schemaCurrent(c)) {
        Flyway.configure(JdbcFederationStore.class.getClassLoader())
            .dataSource(url, user, password)
            .locations("classpath:db/migration")
            .load()
            .migrate();
      }
      return new JdbcFederationStore(c, new ModelBlobStore(blobDir), clock, checkpoint, location);
    } catch (RuntimeException e) {
      try {
        c.close();
      } catch (SQLException ignored) {
        // already failing; the migration error is the one to report
      }
      throw e instanceof StoreException se ? se
          : new StoreException("cannot migrate the schema of " + location + ": " + e.getMessage(), e);
    }
  }

  /** Whether Flyway's history says every migration up to {@link #SCHEMA_VERSION} succeeded. */
  private static boolean schemaCurrent(Connection c) {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT \"version\", \"success\" FROM \"flyway_schema_history\"")) {
      int max = 0;
      while (rs.next()) {
        if (!rs.getBoolean(2)) {
          return false;
        }
        String v = rs.getString(1);
        if (v != null) {
          max = Math.max(max, Integer.parseInt(v.split("\\.")[0]));
        }
      }
      return max == SCHEMA_VERSION;
    } catch (SQLException | NumberFormatException e) {
      return false; // a new database, or a history Flyway must look at
    }
  }

  /** Installs a probe that observes (or, in tests, breaks) round commits. */
  public void setProbe(StoreProbe probe) {
    this.probe = Objects.requireNonNull(probe);
  }

  public ModelBlobStore blobs() {
    return blobs;
  }

  /** Where this store lives, for messages. */
  public String location() {
    return location;
  }

  // ------------------------------------------------------------------ plumbing

  @FunctionalInterface
  private interface Work<T> {
    T run() throws SQLException;
  }

  private <T> T tx(String what, Work<T> work) {
    if (closed) {
      throw new StoreException("store " + location + " is closed");
    }
    try {
      conn.setAutoCommit(false);
      try {
        T t = work.run();
        conn.commit();
        return t;
      } catch (SQLException | RuntimeException e) {
        try {
          conn.rollback();
        } catch (SQLException re) {
          e.addSuppressed(re);
        }
        throw e;
      } finally {
        conn.setAutoCommit(true);
      }
    } catch (SQLException e) {
      throw new StoreException(what + " failed: " + e.getMessage(), e);
    }
  }

  private <T> T read(String what, Work<T> work) {
    if (closed) {
      throw new StoreException("store " + location + " is closed");
    }
    try {
      return work.run();
    } catch (SQLException e) {
      throw new StoreException(what + " failed: " + e.getMessage(), e);
    }
  }

  private static OffsetDateTime ts(Instant i) {
    return OffsetDateTime.ofInstant(i, ZoneOffset.UTC);
  }

  private static Instant instant(ResultSet rs, String col) throws SQLException {
    OffsetDateTime t = rs.getObject(col, OffsetDateTime.class);
    return t == null ? null : t.toInstant();
  }

  private static String json(Object o) {
    try {
      return JSON.writeValueAsString(o);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(e);
    }
  }

  private static Map<String, String> stringMap(String json) {
    if (json == null || json.isBlank()) {
      return Map.of();
    }
    try {
      return JSON.readValue(json, new TypeReference<TreeMap<String, String>>() {});
    } catch (JsonProcessingException e) {
      throw new StoreException("stored JSON is unreadable: " + e.getOriginalMessage(), e);
    }
  }

  private long fedId(String federation) throws SQLException {
    Long id = ids.get(federation);
    if (id != null) {
      return id;
    }
    try (PreparedStatement ps = conn.prepareStatement("SELECT id FROM federations WHERE name = ?")) {
      ps.setString(1, federation);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          throw new StoreException("no federation named '" + federation + "' in " + location);
        }
        ids.put(federation, rs.getLong(1));
        return rs.getLong(1);
      }
    }
  }

  private static String strategySpec(AggregationStrategy s) {
    Map<String, String> p = new TreeMap<>(s.parameters());
    if (p.isEmpty()) {
      return s.name();
    }
    StringBuilder sb = new StringBuilder(s.name()).append(':');
    p.forEach((k, v) -> sb.append(k).append('=').append(v).append(','));
    sb.setLength(sb.length() - 1);
    return sb.toString();
  }

  static Map<String, String> describe(FederationConfig c) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("rounds", Integer.toString(c.rounds()));
    m.put("perRound", Integer.toString(c.perRound()));
    m.put("minUpdates", Integer.toString(c.minUpdates()));
    m.put("roundDeadline", c.roundDeadline().toString());
    m.put("roundInterval", c.roundInterval().toString());
    m.put("localEpochs", Integer.toString(c.localEpochs()));
    m.put("batchSize", Integer.toString(c.batchSize()));
    m.put("learningRate", Float.toString(c.learningRate()));
    m.put("seed", Long.toString(c.seed()));
    m.put("maxConsecutiveAborts", Integer.toString(c.maxConsecutiveAborts()));
    return m;
  }

  // ------------------------------------------------------------------ blobs of strategy state

  private static ModelState stateBlob(Map<String, float[]> state) {
    Map<String, float[]> sorted = new TreeMap<>(state);
    List<TensorSpec> specs = new ArrayList<>();
    int total = 0;
    for (Map.Entry<String, float[]> e : sorted.entrySet()) {
      specs.add(new TensorSpec(e.getKey(), e.getValue().length));
      total += e.getValue().length;
    }
    float[] flat = new float[total];
    int off = 0;
    for (float[] v : sorted.values()) {
      System.arraycopy(v, 0, flat, off, v.length);
      off += v.length;
    }
    return ModelState.adopt(new ParameterLayout(specs), flat, 0);
  }

  private Map<String, float[]> loadState(String sha) {
    if (sha == null) {
      return Map.of();
    }
    ModelState m = blobs.read(sha, 0);
    Map<String, float[]> tensors = new TreeMap<>();
    float[] flat = m.copyParameters();
    for (TensorSpec t : m.layout().tensors()) {
      int off = m.layout().offset(t.name());
      tensors.put(t.name(), Arrays.copyOfRange(flat, off, off + t.size()));
    }
    return tensors;
  }

  // ------------------------------------------------------------------ FederationStore

  @Override
  public synchronized Resumption open(FederationConfig config, ModelState initialModel, AggregationStrategy strategy,
      Instant at) {
    String name = config.name();
    boolean exists = read("looking up federation '" + name + "'", () -> {
      try (PreparedStatement ps = conn.prepareStatement("SELECT COUNT(*) FROM federations WHERE name = ?")) {
        ps.setString(1, name);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          return rs.getLong(1) > 0;
        }
      }
    });
    return exists ? resume(config, initialModel, strategy, at) : create(config, initialModel, strategy, at);
  }

  private Resumption create(FederationConfig config, ModelState initialModel, AggregationStrategy strategy,
      Instant at) {
    ModelState v0 = initialModel.version() == 0 ? initialModel : initialModel.withVersion(0);
    String sha = blobs.write(v0);
    String spec = strategySpec(strategy);
    tx("creating federation '" + config.name() + "'", () -> {
      long id;
      try (PreparedStatement ps = conn.prepareStatement("INSERT INTO federations (name, created_at, layout, "
          + "config_json, strategy, current_version) VALUES (?, ?, ?, ?, ?, 0)", Statement.RETURN_GENERATED_KEYS)) {
        ps.setString(1, config.name());
        ps.setObject(2, ts(at));
        ps.setString(3, v0.layout().canonical());
        ps.setString(4, json(describe(config)));
        ps.setString(5, spec);
        ps.executeUpdate();
        try (ResultSet k = ps.getGeneratedKeys()) {
          k.next();
          id = k.getLong(1);
        }
      }
      insertVersion(id, 0, sha, null, null, "INITIAL", at, COORDINATOR, "initial model", 0, v0.size(), null, null);
      Map<String, Object> d = new LinkedHashMap<>(describe(config));
      d.put("strategy", spec);
      d.put("layout", v0.layout().canonical());
      d.put("model_sha256", sha);
      AuditLog.append(conn, at, COORDINATOR, "federation.created", config.name(), "version 0", d);
      ids.put(config.name(), id);
      return null;
    });
    return new Resumption(false, v0, 0, 0, List.of(), Map.of(), Map.of(), null);
  }

  private Resumption resume(FederationConfig config, ModelState initialModel, AggregationStrategy strategy,
      Instant at) {
    String name = config.name();
    record Fed(long id, String layout, String configJson, String strategy, long current, long lastRound,
        long committed) {}
    Fed f = read("loading federation '" + name + "'", () -> {
      try (PreparedStatement ps = conn.prepareStatement("SELECT id, layout, config_json, strategy, current_version, "
          + "last_round_id, committed_rounds FROM federations WHERE name = ?")) {
        ps.setString(1, name);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          return new Fed(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getLong(5),
              rs.getLong(6), rs.getLong(7));
        }
      }
    });
    ids.put(name, f.id());
    if (!f.layout().equals(initialModel.layout().canonical())) {
      throw new StoreException(location + " holds federation '" + name + "' with model layout " + f.layout()
          + ", but this run's model has layout " + initialModel.layout().canonical()
          + "; use another state directory or federation name");
    }
    sweepOrphans();
    VersionRow cur = versionRow(f.id(), f.current());
    ModelState model = blobs.read(cur.sha(), f.current());
    Map<String, float[]> state = loadState(cur.stateSha());
    List<ParticipantRow> participants = participants(f.id());
    Map<String, String> newConfig = describe(config);
    Map<String, String> oldConfig = stringMap(f.configJson());
    String newStrategy = strategySpec(strategy);
    tx("resuming federation '" + name + "'", () -> {
      for (Map.Entry<String, String> e : newConfig.entrySet()) {
        String old = oldConfig.get(e.getKey());
        if (!Objects.equals(old, e.getValue())) {
          configChange(f.id(), name, at, e.getKey(), old, e.getValue(), "changed on restart");
        }
      }
      if (!newStrategy.equals(f.strategy())) {
        configChange(f.id(), name, at, "strategy", f.strategy(), newStrategy, "changed on restart");
      }
      try (PreparedStatement ps = conn.prepareStatement(
          "UPDATE federations SET config_json = ?, strategy = ? WHERE id = ?")) {
        ps.setString(1, json(newConfig));
        ps.setString(2, newStrategy);
        ps.setLong(3, f.id());
        ps.executeUpdate();
      }
      Map<String, Object> d = new LinkedHashMap<>();
      d.put("version", f.current());
      d.put("model_sha256", cur.sha());
      d.put("last_round_id", f.lastRound());
      d.put("committed_rounds", f.committed());
      d.put("participants", participants.size());
      AuditLog.append(conn, at, COORDINATOR, "coordinator.recovered", name, "version " + f.current(), d);
      return null;
    });
    log.info("resumed federation '{}' at version {} after round {} ({} rounds committed)", name, f.current(),
        f.lastRound(), f.committed());
    ModelState parent = null;
    if ("ROUND".equals(cur.origin()) && cur.parent() != null) {
      VersionRow p = versionRow(f.id(), cur.parent());
      parent = p.purged() ? null : blobs.read(p.sha(), p.version());
    }
    return new Resumption(true, model, f.lastRound(), f.committed(), participants, state,
        screeningState(cur.coordinatorState()), parent);
  }

  private void configChange(long fedId, String fed, Instant at, String field, String old, String now, String reason)
      throws SQLException {
    try (PreparedStatement ps = conn.prepareStatement("INSERT INTO config_changes (federation_id, changed_at, actor, "
        + "field, old_value, new_value, reason) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
      ps.setLong(1, fedId);
      ps.setObject(2, ts(at));
      ps.setString(3, "operator");
      ps.setString(4, field);
      ps.setString(5, old);
      ps.setString(6, now);
      ps.setString(7, reason);
      ps.executeUpdate();
    }
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("field", field);
    d.put("old", old);
    d.put("new", now);
    d.put("reason", reason);
    AuditLog.append(conn, at, "operator", "config.changed", fed, field, d);
  }

  /** Deletes temporary files and blobs that no committed version references. */
  private void sweepOrphans() {
    Set<String> referenced = read("listing referenced blobs", () -> {
      Set<String> s = new HashSet<>();
      try (PreparedStatement ps = conn.prepareStatement(
          "SELECT model_sha256, strategy_state_sha256 FROM model_versions WHERE NOT blob_purged");
          ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          s.add(rs.getString(1));
          if (rs.getString(2) != null) {
            s.add(rs.getString(2));
          }
        }
      }
      return s;
    });
    List<String> removed = blobs.sweep(referenced);
    if (!removed.isEmpty()) {
      log.info("removed {} uncommitted blob(s) left by an interrupted commit: {}", removed.size(), removed);
    }
  }

  @Override
  public synchronized void commitRound(RoundCommit c) {
    RoundRecord r = c.round();
    StoreProbe p = probe;
    p.reached(StoreProbe.Point.BEFORE_BLOB, r.roundId());
    String sha = blobs.write(c.model());
    String stateSha = c.strategyState().isEmpty() ? null : blobs.write(stateBlob(c.strategyState()));
    p.reached(StoreProbe.Point.BLOB_WRITTEN, r.roundId());
    long version = c.model().version();
    tx("committing round " + r.roundId(), () -> {
      long id = fedId(r.federation());
      long current = currentVersion(id);
      if (current != r.baseVersion()) {
        throw new StoreException("round " + r.roundId() + " was based on version " + r.baseVersion()
            + " but the current version is " + current);
      }
      insertRound(id, r, "COMMITTED", null, version);
      insertVersion(id, version, sha, r.baseVersion(), r.roundId(), "ROUND", r.endedAt(), COORDINATOR, null,
          r.contributors(), c.model().size(), stateSha, coordinatorState(c.screeningState()));
      try (PreparedStatement ps = conn.prepareStatement("INSERT INTO metrics (federation_id, version, round_id, name, "
          + "metric_value) VALUES (?, ?, ?, ?, ?)")) {
        for (Map.Entry<String, Double> m : new TreeMap<>(c.metrics()).entrySet()) {
          ps.setLong(1, id);
          ps.setLong(2, version);
          ps.setLong(3, r.roundId());
          ps.setString(4, m.getKey());
          if (m.getValue() == null) {
            ps.setNull(5, Types.DOUBLE);
          } else {
            ps.setDouble(5, m.getValue());
          }
          ps.addBatch();
        }
        ps.executeBatch();
      }
      try (PreparedStatement ps = conn.prepareStatement("UPDATE federations SET current_version = ?, "
          + "last_round_id = GREATEST(last_round_id, ?), committed_rounds = committed_rounds + 1 WHERE id = ?")) {
        ps.setLong(1, version);
        ps.setLong(2, r.roundId());
        ps.setLong(3, id);
        ps.executeUpdate();
      }
      Map<String, Object> d = new LinkedHashMap<>();
      d.put("version", version);
      d.put("base_version", r.baseVersion());
      d.put("model_sha256", sha);
      d.put("contributors", r.contributors());
      d.put("selected", r.cohort().size());
      if (stateSha != null) {
        d.put("strategy_state_sha256", stateSha);
      }
      AuditLog.append(conn, r.endedAt(), COORDINATOR, "round.committed", r.federation(), "round " + r.roundId(), d);
      p.reached(StoreProbe.Point.IN_TRANSACTION, r.roundId());
      return null;
    });
    checkpoint();
    try {
      p.reached(StoreProbe.Point.COMMITTED, r.roundId());
    } catch (RuntimeException e) {
      log.warn("store probe failed after round {} committed", r.roundId(), e);
    }
    try {
      applyRetention(r.federation(), r.endedAt());
    } catch (StoreException e) {
      log.warn("retention after round {} failed; it is retried after the next commit", r.roundId(), e);
    }
  }

  /** Forces the database file to disk, so a committed round survives a power loss too. */
  private void checkpoint() {
    if (!checkpointOnCommit) {
      return;
    }
    try (Statement s = conn.createStatement()) {
      s.execute("CHECKPOINT SYNC");
    } catch (SQLException e) {
      log.warn("CHECKPOINT SYNC failed on {}; the commit is written but maybe not yet on disk", location, e);
    }
  }

  private long currentVersion(long fedId) throws SQLException {
    try (PreparedStatement ps = conn.prepareStatement("SELECT current_version FROM federations WHERE id = ?")) {
      ps.setLong(1, fedId);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  private void insertRound(long id, RoundRecord r, String status, String reason, Long newVersion) throws SQLException {
    try (PreparedStatement ps = conn.prepareStatement("INSERT INTO rounds (federation_id, round_id, base_version, "
        + "status, reason, started_at, ended_at, new_version, selected, contributors) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      ps.setLong(1, id);
      ps.setLong(2, r.roundId());
      ps.setLong(3, r.baseVersion());
      ps.setString(4, status);
      ps.setString(5, reason);
      ps.setObject(6, ts(r.startedAt()));
      ps.setObject(7, ts(r.endedAt()));
      if (newVersion == null) {
        ps.setNull(8, Types.BIGINT);
      } else {
        ps.setLong(8, newVersion);
      }
      ps.setInt(9, r.cohort().size());
      ps.setInt(10, r.contributors());
      ps.executeUpdate();
    }
    try (PreparedStatement ps = conn.prepareStatement("INSERT INTO round_participants (federation_id, round_id, "
        + "participant_id, fold_index, outcome) VALUES (?, ?, ?, ?, ?)")) {
      for (RoundRecord.Member m : r.cohort()) {
        ps.setLong(1, id);
        ps.setLong(2, r.roundId());
        ps.setString(3, m.participantId());
        ps.setInt(4, m.foldIndex());
        ps.setString(5, m.outcome());
        ps.addBatch();
      }
      ps.executeBatch();
    }
    try (PreparedStatement ps = conn.prepareStatement("INSERT INTO update_metadata (federation_id, round_id, "
        + "participant_id, received_at, base_version, sample_count, completed_epochs, requested_epochs, accepted, "
        + "reject_reason, detail, training_ms, device_class, metrics_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      for (UpdateRecord u : r.updates()) {
        ps.setLong(1, id);
        ps.setLong(2, u.roundId());
        ps.setString(3, u.participantId());
        ps.setObject(4, ts(u.receivedAt()));
        ps.setLong(5, u.baseVersion());
        ps.setLong(6, u.sampleCount());
        ps.setInt(7, u.completedEpochs());
        ps.setInt(8, u.requestedEpochs());
        ps.setBoolean(9, u.accepted());
        ps.setString(10, u.rejectReason());
        ps.setString(11, u.detail());
        ps.setLong(12, u.trainingMillis());
        ps.setString(13, u.deviceClass());
        ps.setString(14, json(new TreeMap<>(u.metrics())));
        ps.addBatch();
      }
      ps.executeBatch();
    }
    for (ParticipantRow p : r.participants()) {
      upsertParticipant(id, p, r.endedAt(), true);
    }
  }

  private void insertVersion(long fedId, long version, String sha, Long parent, Long roundId, String origin,
      Instant at, String actor, String reason, int contributors, long params, String stateSha, String coordinatorState)
      throws SQLException {
    try (PreparedStatement ps = conn.prepareStatement("INSERT INTO model_versions (federation_id, version, "
        + "model_sha256, parent_version, round_id, origin, created_at, actor, reason, contributors, param_count, "
        + "strategy_state_sha256, coordinator_state) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      ps.setLong(1, fedId);
      ps.setLong(2, version);
      ps.setString(3, sha);
      ps.setObject(4, parent, Types.BIGINT);
      ps.setObject(5, roundId, Types.BIGINT);
      ps.setString(6, origin);
      ps.setObject(7, ts(at));
      ps.setString(8, actor);
      ps.setString(9, reason);
      ps.setInt(10, contributors);
      ps.setLong(11, params);
      ps.setString(12, stateSha);
      ps.setString(13, coordinatorState);
      ps.executeUpdate();
    }
  }

  /** Inserts or updates a participant; with {@code counters} its state and counters are written too. */
  private boolean upsertParticipant(long fedId, ParticipantRow p, Instant at, boolean counters) throws SQLException {
    String hist = json(p.labelHistogram());
    int n;
    String sql = counters
        ? "UPDATE participants SET device_class = ?, sample_count = ?, label_histogram = ?, last_seen = ?, state = ?, "
            + "rounds_selected = ?, updates_accepted = ?, failures = ?, trust = ?, strikes = ? "
            + "WHERE federation_id = ? AND participant_id = ?"
        : "UPDATE participants SET device_class = ?, sample_count = ?, label_histogram = ?, last_seen = ? "
            + "WHERE federation_id = ? AND participant_id = ?";
    try (PreparedStatement ps = conn.prepareStatement(sql)) {
      int i = 1;
      ps.setString(i++, p.deviceClass());
      ps.setLong(i++, p.sampleCount());
      ps.setString(i++, hist);
      ps.setObject(i++, ts(at));
      if (counters) {
        ps.setString(i++, p.state());
        ps.setLong(i++, p.roundsSelected());
        ps.setLong(i++, p.updatesAccepted());
        ps.setLong(i++, p.failures());
        ps.setDouble(i++, p.trust());
        ps.setInt(i++, p.strikes());
      }
      ps.setLong(i++, fedId);
      ps.setString(i, p.id());
      n = ps.executeUpdate();
    }
    if (n > 0) {
      return false;
    }
    try (PreparedStatement ps = conn.prepareStatement("INSERT INTO participants (federation_id, participant_id, "
        + "device_class, sample_count, label_histogram, state, rounds_selected, updates_accepted, failures, "
        + "trust, strikes, first_seen, last_seen) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      ps.setLong(1, fedId);
      ps.setString(2, p.id());
      ps.setString(3, p.deviceClass());
      ps.setLong(4, p.sampleCount());
      ps.setString(5, hist);
      ps.setString(6, p.state());
      ps.setLong(7, p.roundsSelected());
      ps.setLong(8, p.updatesAccepted());
      ps.setLong(9, p.failures());
      ps.setDouble(10, p.trust());
      ps.setInt(11, p.strikes());
      ps.setObject(12, ts(at));
      ps.setObject(13, ts(at));
      ps.executeUpdate();
    }
    return true;
  }

  private List<ParticipantRow> participants(long fedId) {
    return read("loading participants", () -> {
      List<ParticipantRow> out = new ArrayList<>();
      try (PreparedStatement ps = conn.prepareStatement("SELECT participant_id, device_class, sample_count, "
          + "label_histogram, state, rounds_selected, updates_accepted, failures, trust, strikes FROM participants "
          + "WHERE federation_id = ? ORDER BY participant_id")) {
        ps.setLong(1, fedId);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            long[] hist;
            try {
              hist = rs.getString(4) == null ? new long[0] : JSON.readValue(rs.getString(4), long[].class);
            } catch (JsonProcessingException e) {
              hist = new long[0];
            }
            out.add(new ParticipantRow(rs.getString(1), rs.getString(2), rs.getLong(3), hist, rs.getString(5),
                rs.getLong(6), rs.getLong(7), rs.getLong(8), rs.getDouble(9), rs.getInt(10)));
          }
        }
      }
      return out;
    });
  }

  @Override
  public synchronized void recordAbort(RoundRecord round, String reason) {
    tx("recording the abort of round " + round.roundId(), () -> {
      long id = fedId(round.federation());
      insertRound(id, round, "ABORTED", reason, null);
      try (PreparedStatement ps = conn.prepareStatement(
          "UPDATE federations SET last_round_id = GREATEST(last_round_id, ?) WHERE id = ?")) {
        ps.setLong(1, round.roundId());
        ps.setLong(2, id);
        ps.executeUpdate();
      }
      Map<String, Object> d = new LinkedHashMap<>();
      d.put("base_version", round.baseVersion());
      d.put("reason", reason);
      d.put("accepted", round.contributors());
      d.put("selected", round.cohort().size());
      AuditLog.append(conn, round.endedAt(), COORDINATOR, "round.aborted", round.federation(),
          "round " + round.roundId(), d);
      return null;
    });
  }

  @Override
  public synchronized void recordParticipant(String federation, ParticipantRow participant, Instant at) {
    tx("recording participant " + participant.id(), () -> {
      long id = fedId(federation);
      if (upsertParticipant(id, participant, at, false)) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("device_class", participant.deviceClass());
        d.put("sample_count", participant.sampleCount());
        AuditLog.append(conn, at, participant.id(), "participant.registered", federation, participant.id(), d);
      }
      return null;
    });
  }

  @Override
  public synchronized void recordStateChange(String federation, String from, String to, String reason, Instant at) {
    tx("recording a state change", () -> {
      fedId(federation);
      Map<String, Object> d = new LinkedHashMap<>();
      d.put("from", from);
      d.put("to", to);
      d.put("reason", reason);
      AuditLog.append(conn, at, COORDINATOR, "federation.state", federation, to.toLowerCase(), d);
      return null;
    });
  }

  @Override
  public synchronized RolledBack rollback(String federation, long toVersion, String actor, String reason, Instant at) {
    requireReason(reason);
    long id = read("looking up federation", () -> fedId(federation));
    long current = read("reading the current version", () -> currentVersion(id));
    if (toVersion == current) {
      throw new StoreException("version " + toVersion + " is already the current version of '" + federation + "'");
    }
    VersionRow target = versionRow(id, toVersion);
    if (target.purged()) {
      throw new StoreException("version " + toVersion + " was purged by retention; its parameters are gone");
    }
    long newVersion = read("numbering the new version", () -> maxVersion(id)) + 1;
    ModelState model = blobs.read(target.sha(), newVersion);
    Map<String, float[]> state = loadState(target.stateSha());
    tx("rolling back to version " + toVersion, () -> {
      if (currentVersion(id) != current) {
        throw new StoreException("the current version changed during the rollback");
      }
      insertVersion(id, newVersion, target.sha(), toVersion, null, "ROLLBACK", at, actor, reason, 0, model.size(),
          target.stateSha(), target.coordinatorState());
      setCurrent(id, newVersion);
      Map<String, Object> d = new LinkedHashMap<>();
      d.put("from_version", current);
      d.put("to_version", toVersion);
      d.put("new_version", newVersion);
      d.put("model_sha256", target.sha());
      d.put("reason", reason);
      AuditLog.append(conn, at, actor, "model.rolled_back", federation, "version " + newVersion, d);
      return null;
    });
    checkpoint();
    return new RolledBack(current, toVersion, model, state);
  }

  private static void requireReason(String reason) {
    if (reason == null || reason.isBlank()) {
      throw new StoreException("an operator action needs a reason");
    }
  }

  private void setCurrent(long id, long version) throws SQLException {
    try (PreparedStatement ps = conn.prepareStatement("UPDATE federations SET current_version = ? WHERE id = ?")) {
      ps.setLong(1, version);
      ps.setLong(2, id);
      ps.executeUpdate();
    }
  }

  private long maxVersion(long id) throws SQLException {
    try (PreparedStatement ps = conn.prepareStatement("SELECT MAX(version) FROM model_versions WHERE federation_id = ?")) {
      ps.setLong(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  private record VersionRow(long version, String sha, String stateSha, boolean purged, String origin, Long parent,
      String coordinatorState) {}

  private static String coordinatorState(Map<String, List<Double>> screening) {
    return screening.isEmpty() ? null : json(Map.of("screening", new TreeMap<>(screening)));
  }

  private static Map<String, List<Double>> screeningState(String coordinatorState) {
    if (coordinatorState == null) {
      return Map.of();
    }
    try {
      Map<String, Map<String, List<Double>>> m =
          JSON.readValue(coordinatorState, new TypeReference<Map<String, Map<String, List<Double>>>>() {});
      return m.getOrDefault("screening", Map.of());
    } catch (JsonProcessingException e) {
      throw new StoreException("stored coordinator state is unreadable: " + e.getOriginalMessage(), e);
    }
  }

  private VersionRow versionRow(long id, long version) {
    return read("loading version " + version, () -> {
      try (PreparedStatement ps = conn.prepareStatement("SELECT model_sha256, strategy_state_sha256, blob_purged, "
          + "origin, parent_version, coordinator_state FROM model_versions WHERE federation_id = ? AND version = ?")) {
        ps.setLong(1, id);
        ps.setLong(2, version);
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next()) {
            throw new StoreException("no model version " + version + " (see 'flotilla models list')");
          }
          return new VersionRow(version, rs.getString(1), rs.getString(2), rs.getBoolean(3), rs.getString(4),
              rs.getObject(5, Long.class), rs.getString(6));
        }
      }
    });
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      conn.close();
    } catch (SQLException e) {
      log.warn("closing {} failed", location, e);
    }
  }

  // ------------------------------------------------------------------ operator queries and actions

  /** Names of the federations in this store, sorted. */
  public synchronized List<String> federations() {
    return read("listing federations", () -> {
      List<String> out = new ArrayList<>();
      try (PreparedStatement ps = conn.prepareStatement("SELECT name FROM federations ORDER BY name");
          ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getString(1));
        }
      }
      return out;
    });
  }

  /** Every version of {@code federation}, oldest first. */
  public synchronized List<ModelVersionInfo> versions(String federation) {
    return read("listing versions", () -> {
      long id = fedId(federation);
      return versionInfos(id, null);
    });
  }

  /** One version of {@code federation}. */
  public synchronized ModelVersionInfo version(String federation, long version) {
    return read("loading version " + version, () -> {
      long id = fedId(federation);
      List<ModelVersionInfo> v = versionInfos(id, version);
      if (v.isEmpty()) {
        throw new StoreException("no model version " + version + " in federation '" + federation + "'");
      }
      return v.get(0);
    });
  }

  /** The current version number of {@code federation}. */
  public synchronized long currentVersion(String federation) {
    return read("reading the current version", () -> currentVersion(fedId(federation)));
  }

  private List<ModelVersionInfo> versionInfos(long id, Long only) throws SQLException {
    long current = currentVersion(id);
    Map<Long, Map<String, Double>> metrics = new HashMap<>();
    try (PreparedStatement ps = conn.prepareStatement("SELECT version, name, metric_value FROM metrics "
        + "WHERE federation_id = ?" + (only == null ? "" : " AND version = ?"))) {
      ps.setLong(1, id);
      if (only != null) {
        ps.setLong(2, only);
      }
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          double v = rs.getDouble(3);
          metrics.computeIfAbsent(rs.getLong(1), k -> new TreeMap<>()).put(rs.getString(2), rs.wasNull() ? Double.NaN : v);
        }
      }
    }
    Map<Long, List<String>> tags = new HashMap<>();
    try (PreparedStatement ps = conn.prepareStatement("SELECT version, tag FROM model_tags WHERE federation_id = ? "
        + "ORDER BY tag")) {
      ps.setLong(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          tags.computeIfAbsent(rs.getLong(1), k -> new ArrayList<>()).add(rs.getString(2));
        }
      }
    }
    Map<Long, List<String>> contributors = new HashMap<>();
    try (PreparedStatement ps = conn.prepareStatement("SELECT round_id, participant_id FROM round_participants "
        + "WHERE federation_id = ? AND outcome = 'ACCEPTED' ORDER BY round_id, fold_index")) {
      ps.setLong(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          contributors.computeIfAbsent(rs.getLong(1), k -> new ArrayList<>()).add(rs.getString(2));
        }
      }
    }
    List<ModelVersionInfo> out = new ArrayList<>();
    try (PreparedStatement ps = conn.prepareStatement("SELECT version, model_sha256, round_id, parent_version, origin, "
        + "created_at, actor, reason, contributors, param_count, blob_purged FROM model_versions "
        + "WHERE federation_id = ?" + (only == null ? "" : " AND version = ?") + " ORDER BY version")) {
      ps.setLong(1, id);
      if (only != null) {
        ps.setLong(2, only);
      }
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          long v = rs.getLong("version");
          Long round = rs.getObject("round_id", Long.class);
          out.add(new ModelVersionInfo(v, rs.getString("model_sha256"), round,
              rs.getObject("parent_version", Long.class), rs.getString("origin"), instant(rs, "created_at"),
              rs.getString("actor"), rs.getString("reason"), rs.getInt("contributors"),
              round == null ? List.of() : contributors.getOrDefault(round, List.of()), rs.getLong("param_count"),
              metrics.getOrDefault(v, Map.of()), tags.getOrDefault(v, List.of()), !rs.getBoolean("blob_purged"),
              v == current));
        }
      }
    }
    return out;
  }

  /**
   * The parameters of one version, verified against its hash.
   *
   * @throws StoreException when the version is unknown, purged, or its blob is missing or corrupt
   */
  public synchronized ModelState loadModel(String federation, long version) {
    long id = read("looking up federation", () -> fedId(federation));
    VersionRow row = versionRow(id, version);
    if (row.purged()) {
      throw new StoreException("version " + version + " was purged by retention; its parameters are gone");
    }
    return blobs.read(row.sha(), version);
  }

  /** The strategy state saved with one version (empty for a stateless strategy). */
  public synchronized Map<String, float[]> loadStrategyState(String federation, long version) {
    long id = read("looking up federation", () -> fedId(federation));
    VersionRow row = versionRow(id, version);
    return loadState(row.stateSha());
  }

  /**
   * Writes one version as a safetensors file PyTorch can load: F32 tensors in layout order, with
   * {@code __metadata__} saying where it came from ({@code format=pt}, federation, version, round, hash,
   * layout, metrics as JSON).
   */
  public synchronized void exportModel(String federation, long version, Path out) {
    ModelState m = loadModel(federation, version);
    ModelVersionInfo info = version(federation, version);
    Map<String, String> meta = new LinkedHashMap<>();
    meta.put("format", "pt");
    meta.put("flotilla.federation", federation);
    meta.put("flotilla.version", Long.toString(version));
    meta.put("flotilla.origin", info.origin());
    if (info.roundId() != null) {
      meta.put("flotilla.round", Long.toString(info.roundId()));
    }
    meta.put("flotilla.sha256", m.sha256());
    meta.put("flotilla.layout", m.layout().canonical());
    meta.put("flotilla.created_at", String.valueOf(info.createdAt()));
    meta.put("flotilla.contributors", Integer.toString(info.contributors()));
    meta.put("flotilla.metrics", json(new TreeMap<>(info.metrics())));
    try {
      SafetensorsFile.of(m, meta).write(out);
    } catch (IOException e) {
      throw new StoreException("cannot write " + out + ": " + e.getMessage(), e);
    }
  }

  /**
   * Imports a safetensors file as a new current version (origin IMPORT; the strategy state of the current
   * version carries over). Tensors are matched to the federation's layout by name.
   *
   * @throws SafetensorsException when the file is corrupt, its tensors do not match the layout, or it holds
   *     non-finite values; nothing is changed then
   */
  public synchronized RolledBack importModel(String federation, Path file, String actor, String reason)
      throws SafetensorsException {
    requireReason(reason);
    SafetensorsFile f = SafetensorsFile.read(file);
    long id = read("looking up federation", () -> fedId(federation));
    long current = read("reading the current version", () -> currentVersion(id));
    VersionRow cur = versionRow(id, current);
    ModelState now = blobs.read(cur.sha(), current);
    float[] params = f.parametersIn(now.layout(), file.toString());
    for (float v : params) {
      if (!Float.isFinite(v)) {
        throw new SafetensorsException(file + ": holds NaN or infinite values");
      }
    }
    long newVersion = read("numbering the new version", () -> maxVersion(id)) + 1;
    ModelState model = ModelState.adopt(now.layout(), params, newVersion);
    String sha = blobs.write(model);
    Instant at = clock.instant();
    tx("importing " + file, () -> {
      insertVersion(id, newVersion, sha, null, null, "IMPORT", at, actor, reason, 0, model.size(), cur.stateSha(),
          cur.coordinatorState());
      setCurrent(id, newVersion);
      Map<String, Object> d = new LinkedHashMap<>();
      d.put("file", file.getFileName().toString());
      d.put("from_version", current);
      d.put("new_version", newVersion);
      d.put("model_sha256", sha);
      d.put("reason", reason);
      AuditLog.append(conn, at, actor, "model.imported", federation, "version " + newVersion, d);
      return null;
    });
    checkpoint();
    return new RolledBack(current, newVersion, model, loadState(cur.stateSha()));
  }

  /** Tags a version (tagged versions are never purged); moving an existing tag is audited as such. */
  public synchronized void tag(String federation, long version, String tag, String actor) {
    if (tag == null || tag.isBlank()) {
      throw new StoreException("a tag must not be blank");
    }
    Instant at = clock.instant();
    tx("tagging version " + version, () -> {
      long id = fedId(federation);
      VersionRow row = versionRow(id, version);
      if (row.purged()) {
        throw new StoreException("version " + version + " was purged by retention and cannot be tagged");
      }
      Long previous = null;
      try (PreparedStatement ps = conn.prepareStatement("SELECT version FROM model_tags WHERE federation_id = ? AND tag = ?")) {
        ps.setLong(1, id);
        ps.setString(2, tag);
        try (ResultSet rs = ps.executeQuery()) {
          if (rs.next()) {
            previous = rs.getLong(1);
          }
        }
      }
      try (PreparedStatement ps = conn.prepareStatement("DELETE FROM model_tags WHERE federation_id = ? AND tag = ?")) {
        ps.setLong(1, id);
        ps.setString(2, tag);
        ps.executeUpdate();
      }
      try (PreparedStatement ps = conn.prepareStatement(
          "INSERT INTO model_tags (federation_id, tag, version, tagged_at) VALUES (?, ?, ?, ?)")) {
        ps.setLong(1, id);
        ps.setString(2, tag);
        ps.setLong(3, version);
        ps.setObject(4, ts(at));
        ps.executeUpdate();
      }
      Map<String, Object> d = new LinkedHashMap<>();
      d.put("tag", tag);
      d.put("version", version);
      d.put("previous_version", previous);
      AuditLog.append(conn, at, actor, "model.tagged", federation, "version " + version, d);
      return null;
    });
  }

  /** Removes a tag (the version becomes subject to retention again). */
  public synchronized void untag(String federation, String tag, String actor) {
    Instant at = clock.instant();
    tx("removing tag " + tag, () -> {
      long id = fedId(federation);
      int n;
      try (PreparedStatement ps = conn.prepareStatement("DELETE FROM model_tags WHERE federation_id = ? AND tag = ?")) {
        ps.setLong(1, id);
        ps.setString(2, tag);
        n = ps.executeUpdate();
      }
      if (n == 0) {
        throw new StoreException("no tag '" + tag + "' in federation '" + federation + "'");
      }
      AuditLog.append(conn, at, actor, "model.untagged", federation, tag, Map.of("tag", tag));
      return null;
    });
  }

  /** The retention policy of {@code federation}. */
  public synchronized RetentionPolicy retention(String federation) {
    return read("reading retention", () -> {
      long id = fedId(federation);
      try (PreparedStatement ps = conn.prepareStatement(
          "SELECT keep_last_versions, update_retention_seconds FROM federations WHERE id = ?")) {
        ps.setLong(1, id);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          return new RetentionPolicy(rs.getInt(1), Duration.ofSeconds(rs.getLong(2)));
        }
      }
    });
  }

  /** Sets the retention policy (audited as a configuration change); it applies at the next commit or purge. */
  public synchronized void setRetention(String federation, RetentionPolicy policy, String actor, String reason) {
    Instant at = clock.instant();
    RetentionPolicy old = retention(federation);
    tx("setting retention", () -> {
      long id = fedId(federation);
      try (PreparedStatement ps = conn.prepareStatement(
          "UPDATE federations SET keep_last_versions = ?, update_retention_seconds = ? WHERE id = ?")) {
        ps.setInt(1, policy.keepLastVersions());
        ps.setLong(2, policy.updateMaxAge().toSeconds());
        ps.setLong(3, id);
        ps.executeUpdate();
      }
      try (PreparedStatement ps = conn.prepareStatement("INSERT INTO config_changes (federation_id, changed_at, actor, "
          + "field, old_value, new_value, reason) VALUES (?, ?, ?, 'retention', ?, ?, ?)")) {
        ps.setLong(1, id);
        ps.setObject(2, ts(at));
        ps.setString(3, actor);
        ps.setString(4, describe(old));
        ps.setString(5, describe(policy));
        ps.setString(6, reason);
        ps.executeUpdate();
      }
      Map<String, Object> d = new LinkedHashMap<>();
      d.put("old", describe(old));
      d.put("new", describe(policy));
      d.put("reason", reason);
      AuditLog.append(conn, at, actor, "retention.changed", federation, "retention", d);
      return null;
    });
  }

  private static String describe(RetentionPolicy p) {
    return "keep_last=" + (p.keepLastVersions() == 0 ? "all" : p.keepLastVersions()) + ", update_max_age="
        + (p.updateMaxAge().isZero() ? "forever" : p.updateMaxAge().toString());
  }

  /** What one retention pass removed. */
  public record Purge(List<Long> versions, int updateRows, List<String> blobsDeleted) {
    public boolean isEmpty() {
      return versions.isEmpty() && updateRows == 0;
    }
  }

  /** Applies the retention policy now (audited when it removes anything). */
  public synchronized Purge purge(String federation) {
    return applyRetention(federation, clock.instant());
  }

  private Purge applyRetention(String federation, Instant at) {
    RetentionPolicy policy = retention(federation);
    if (policy.keepLastVersions() == 0 && policy.updateMaxAge().isZero()) {
      return new Purge(List.of(), 0, List.of());
    }
    Purge p = tx("applying retention", () -> {
      long id = fedId(federation);
      List<Long> victims = new ArrayList<>();
      if (policy.keepLastVersions() > 0) {
        long cutoff = maxVersion(id) - policy.keepLastVersions();
        try (PreparedStatement ps = conn.prepareStatement("SELECT v.version FROM model_versions v WHERE v.federation_id = ? "
            + "AND NOT v.blob_purged AND v.version <= ? AND v.version <> (SELECT current_version FROM federations WHERE id = ?) "
            + "AND NOT EXISTS (SELECT 1 FROM model_tags t WHERE t.federation_id = v.federation_id AND t.version = v.version) "
            + "ORDER BY v.version")) {
          ps.setLong(1, id);
          ps.setLong(2, cutoff);
          ps.setLong(3, id);
          try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              victims.add(rs.getLong(1));
            }
          }
        }
        try (PreparedStatement ps = conn.prepareStatement(
            "UPDATE model_versions SET blob_purged = TRUE WHERE federation_id = ? AND version = ?")) {
          for (long v : victims) {
            ps.setLong(1, id);
            ps.setLong(2, v);
            ps.addBatch();
          }
          ps.executeBatch();
        }
      }
      int rows = 0;
      if (!policy.updateMaxAge().isZero()) {
        try (PreparedStatement ps = conn.prepareStatement(
            "DELETE FROM update_metadata WHERE federation_id = ? AND received_at < ?")) {
          ps.setLong(1, id);
          ps.setObject(2, ts(at.minus(policy.updateMaxAge())));
          rows = ps.executeUpdate();
        }
      }
      if (!victims.isEmpty() || rows > 0) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("policy", describe(policy));
        d.put("purged_versions", victims.toString());
        d.put("purged_update_rows", rows);
        AuditLog.append(conn, at, COORDINATOR, "retention.purged", federation, victims.size() + " version(s), "
            + rows + " update row(s)", d);
      }
      return new Purge(victims, rows, List.of());
    });
    if (p.versions().isEmpty()) {
      return p;
    }
    // only after the transaction: a crash in between leaves an orphan that the next open sweeps
    Set<String> referenced = blobHashes(false);
    Set<String> purgedHashes = blobHashes(true);
    List<String> deleted = new ArrayList<>();
    for (String h : purgedHashes) {
      if (!referenced.contains(h) && blobs.exists(h)) {
        blobs.delete(h);
        deleted.add(h);
      }
    }
    return new Purge(p.versions(), p.updateRows(), deleted);
  }

  /** Verifies the whole audit chain. */
  public synchronized AuditVerification verifyAudit() {
    return read("verifying the audit log", () -> AuditLog.verify(conn));
  }

  /** The last {@code limit} audit entries (all when {@code limit <= 0}). */
  public synchronized List<AuditEntry> audit(int limit) {
    return read("reading the audit log", () -> AuditLog.list(conn, limit));
  }

  /** Verifies every blob still referenced; returns one line per problem (empty when all are sound). */
  public synchronized List<String> verifyBlobs(String federation) {
    List<String> problems = new ArrayList<>();
    for (ModelVersionInfo v : versions(federation)) {
      if (v.blobPresent()) {
        String p = blobs.check(v.sha256());
        if (p != null) {
          problems.add("version " + v.version() + ": " + p);
        }
      }
    }
    return problems;
  }

  /** Round ids with their status (COMMITTED or ABORTED), in order; for tools and tests. */
  public synchronized Map<Long, String> rounds(String federation) {
    return read("listing rounds", () -> {
      Map<Long, String> out = new TreeMap<>();
      try (PreparedStatement ps = conn.prepareStatement(
          "SELECT round_id, status FROM rounds WHERE federation_id = ? ORDER BY round_id")) {
        ps.setLong(1, fedId(federation));
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.put(rs.getLong(1), rs.getString(2));
          }
        }
      }
      return out;
    });
  }

  /** Rows of update metadata kept for {@code federation}. */
  public synchronized long updateMetadataCount(String federation) {
    return read("counting update metadata", () -> {
      try (PreparedStatement ps = conn.prepareStatement("SELECT COUNT(*) FROM update_metadata WHERE federation_id = ?")) {
        ps.setLong(1, fedId(federation));
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          return rs.getLong(1);
        }
      }
    });
  }

  /** Direct JDBC access for tests and tools that inspect or (in tests) tamper with rows. */
  public Connection connection() {
    return conn;
  }

  // ------------------------------------------------------------------ learning control (issue 7)

  @Override
  public synchronized void recordParticipantStateChange(String federation, ParticipantRow participant,
      String action, String from, String actor, String reason, Instant at) {
    tx("recording " + action + " of participant " + participant.id(), () -> {
      long id = fedId(federation);
      upsertParticipant(id, participant, at, true);
      Map<String, Object> d = new LinkedHashMap<>();
      d.put("from", from);
      d.put("to", participant.state());
      d.put("reason", reason);
      AuditLog.append(conn, at, actor, "participant." + action, federation, participant.id(), d);
      return null;
    });
  }

  @Override
  public synchronized void recordTuning(String federation, Map<String, String> oldValues,
      Map<String, String> newValues, long effectiveFromRound, String actor, String reason, Instant at) {
    tx("recording runtime tuning", () -> {
      long id = fedId(federation);
      for (Map.Entry<String, String> e : new TreeMap<>(newValues).entrySet()) {
        try (PreparedStatement ps = conn.prepareStatement("INSERT INTO config_changes (federation_id, changed_at, "
            + "actor, field, old_value, new_value, reason) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
          ps.setLong(1, id);
          ps.setObject(2, ts(at));
          ps.setString(3, actor);
          ps.setString(4, e.getKey());
          ps.setString(5, oldValues.get(e.getKey()));
          ps.setString(6, e.getValue());
          ps.setString(7, reason);
          ps.executeUpdate();
        }
      }
      Map<String, Object> d = new LinkedHashMap<>();
      d.put("old", new TreeMap<>(oldValues));
      d.put("new", new TreeMap<>(newValues));
      d.put("effective_from_round", effectiveFromRound);
      d.put("reason", reason);
      AuditLog.append(conn, at, actor, "config.tuned", federation, "from round " + effectiveFromRound, d);
      return null;
    });
  }

  @Override
  public synchronized void recordLearningAlarm(String federation, LearningAlarm a, Instant at) {
    tx("recording a " + a.kind().toLowerCase(Locale.ROOT) + " alarm", () -> {
      long id = fedId(federation);
      try (PreparedStatement ps = conn.prepareStatement("INSERT INTO learning_alarms (federation_id, round_id, "
          + "raised_at, kind, participant_id, indicator, detail, values_json, reaction) "
          + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
        ps.setLong(1, id);
        ps.setLong(2, a.roundId());
        ps.setObject(3, ts(at));
        ps.setString(4, a.kind());
        ps.setString(5, a.participantId());
        ps.setString(6, a.indicator());
        ps.setString(7, a.detail());
        ps.setString(8, json(new TreeMap<>(a.values())));
        ps.setString(9, a.reaction());
        ps.executeUpdate();
      }
      Map<String, Object> d = new LinkedHashMap<>();
      d.put("round", a.roundId());
      d.put("indicator", a.indicator());
      d.put("detail", a.detail());
      if (a.reaction() != null) {
        d.put("reaction", a.reaction());
      }
      String action = switch (a.kind()) {
        case "STOP" -> "federation.stopping_rule";
        case "DIVERGENCE" -> "learning.divergence_alarm";
        default -> "learning.drift_alarm";
      };
      AuditLog.append(conn, at, COORDINATOR, action, federation,
          a.participantId() == null ? "federation" : a.participantId(), d);
      return null;
    });
  }

  @Override
  public synchronized void recordCalibration(String federation, io.flotilla.engine.api.Calibration c, String actor,
      String reason, Instant at) {
    tx("recording calibration " + c.calibrationId(), () -> {
      long id = fedId(federation);
      try (PreparedStatement ps = conn.prepareStatement("INSERT INTO calibrations (federation_id, calibration_id, "
          + "model_version, created_at, actor, reason, feature_mean, feature_variance) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
        ps.setLong(1, id);
        ps.setLong(2, c.calibrationId());
        ps.setLong(3, c.modelVersion());
        ps.setObject(4, ts(at));
        ps.setString(5, actor);
        ps.setString(6, reason);
        ps.setString(7, json(c.featureMean()));
        ps.setString(8, json(c.featureVariance()));
        ps.executeUpdate();
      }
      for (String pid : new TreeSet<>(c.answered())) {
        Map<String, Double> ev = c.evaluation().getOrDefault(pid, Map.of());
        insertCalibrationParticipant(id, c.calibrationId(), pid, true, ev.get("samples"), ev.get("loss"),
            ev.get("accuracy"), c.reweighting().get(pid));
      }
      for (String pid : new TreeSet<>(c.unsupported())) {
        insertCalibrationParticipant(id, c.calibrationId(), pid, false, null, null, null, null);
      }
      Map<String, Object> d = new LinkedHashMap<>();
      d.put("model_version", c.modelVersion());
      d.put("answered", c.answered().size());
      d.put("unsupported", c.unsupported().size());
      d.put("features", c.featureMean().length);
      d.put("reason", reason);
      AuditLog.append(conn, at, actor, "federation.calibrated", federation, "calibration " + c.calibrationId(), d);
      return null;
    });
  }

  private void insertCalibrationParticipant(long fedId, long calibrationId, String pid, boolean answered,
      Double samples, Double loss, Double accuracy, Double weight) throws SQLException {
    try (PreparedStatement ps = conn.prepareStatement("INSERT INTO calibration_participants (federation_id, "
        + "calibration_id, participant_id, answered, samples, eval_loss, eval_accuracy, reweighting) "
        + "VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
      ps.setLong(1, fedId);
      ps.setLong(2, calibrationId);
      ps.setString(3, pid);
      ps.setBoolean(4, answered);
      ps.setObject(5, samples == null ? null : samples.longValue());
      ps.setObject(6, loss);
      ps.setObject(7, accuracy);
      ps.setObject(8, weight);
      ps.executeUpdate();
    }
  }

  /** The model and strategy-state blob hashes of the versions whose blobs are purged (or still kept). */
  private Set<String> blobHashes(boolean purged) {
    String sql = "SELECT model_sha256, strategy_state_sha256 FROM model_versions WHERE "
        + (purged ? "" : "NOT ") + "blob_purged";
    return read(purged ? "listing purged blobs" : "listing referenced blobs", () -> {
      Set<String> s = new HashSet<>();
      try (PreparedStatement ps = conn.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          s.add(rs.getString(1));
          if (rs.getString(2) != null) {
            s.add(rs.getString(2));
          }
        }
      }
      return s;
    });
  }
}
