package io.flotilla.engine.store;

import static io.flotilla.engine.store.StoreFixtures.LAYOUT;
import static io.flotilla.engine.store.StoreFixtures.STRATEGY;
import static io.flotilla.engine.store.StoreFixtures.commit;
import static io.flotilla.engine.store.StoreFixtures.config;
import static io.flotilla.engine.store.StoreFixtures.model;
import static io.flotilla.engine.store.StoreFixtures.participant;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flotilla.engine.audit.AuditEntry;
import io.flotilla.engine.audit.AuditVerification;
import io.flotilla.engine.model.ModelState;
import io.flotilla.engine.model.ParameterLayout;
import io.flotilla.engine.model.SafetensorsException;
import io.flotilla.engine.model.SafetensorsFile;
import io.flotilla.engine.model.TensorSpec;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.threeten.extra.MutableClock;
import java.time.Instant;
import java.time.ZoneOffset;

class JdbcFederationStoreTest {
  @TempDir Path dir;
  final MutableClock clock = MutableClock.of(Instant.parse("2026-12-01T10:00:00Z"), ZoneOffset.UTC);
  JdbcFederationStore store;

  JdbcFederationStore open() {
    if (store != null) {
      store.close();
    }
    store = JdbcFederationStore.openDirectory(dir, clock);
    return store;
  }

  @AfterEach
  void close() {
    if (store != null) {
      store.close();
    }
  }

  /** Creates federation "f" and commits rounds 1..n (version k = round k). */
  void commitRounds(int n) {
    open().open(config("f"), model(0, 0), STRATEGY, clock.instant());
    for (int r = 1; r <= n; r++) {
      clock.add(Duration.ofMinutes(1));
      store.commitRound(commit("f", r, model(r, r), clock.instant(), Map.of("m", new float[] {r, -r})));
    }
  }

  List<String> blobNames() throws Exception {
    try (Stream<Path> s = Files.list(dir.resolve("models"))) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void theSchemaVersionConstantNamesTheNewestMigration() throws Exception {
    Path migrations = Path.of(JdbcFederationStore.class.getResource("/db/migration").toURI());
    int newest;
    try (Stream<Path> s = Files.list(migrations)) {
      newest = s.map(p -> p.getFileName().toString()).filter(n -> n.matches("V\\d+__.*\\.sql"))
          .mapToInt(n -> Integer.parseInt(n.substring(1, n.indexOf("__")))).max().orElseThrow();
    }
    assertThat(JdbcFederationStore.SCHEMA_VERSION).isEqualTo(newest);
    open(); // a migrated store opens again without Flyway and without complaint
    open();
    assertThat(Files.exists(dir.resolve("flotilla-init.mv.db"))).isFalse();
  }

  @Test
  void createsThenResumesFromTheLastCommittedRound() {
    Resumption first = open().open(config("f"), model(0, 0), STRATEGY, clock.instant());
    assertThat(first.resumed()).isFalse();
    assertThat(first.model().version()).isZero();
    store.recordParticipant("f", participant("p1", 0), clock.instant());
    store.recordParticipant("f", participant("p2", 0), clock.instant());
    store.commitRound(commit("f", 1, model(1, 1), clock.instant(), Map.of("m", new float[] {1, 2})));
    store.recordAbort(new RoundRecord("f", 2, 1, clock.instant(), clock.instant(), List.of(), 0, List.of(), List.of()),
        "quorum not met");

    Resumption again = open().open(config("f"), model(0, 0), STRATEGY, clock.instant());
    assertThat(again.resumed()).isTrue();
    assertThat(again.model().version()).isEqualTo(1);
    assertThat(again.model().sha256()).isEqualTo(model(1, 1).sha256());
    assertThat(again.lastRoundId()).isEqualTo(2);
    assertThat(again.committedRounds()).isEqualTo(1);
    assertThat(again.strategyState()).containsOnlyKeys("m");
    assertThat(again.strategyState().get("m")).containsExactly(1, 2);
    assertThat(again.participants()).extracting(ParticipantRow::id).containsExactly("p1", "p2");
    assertThat(again.participants().get(0).roundsSelected()).isEqualTo(1);
    assertThat(store.rounds("f")).containsExactly(Map.entry(1L, "COMMITTED"), Map.entry(2L, "ABORTED"));
    assertThat(store.updateMetadataCount("f")).isEqualTo(2);

    ModelVersionInfo v1 = store.version("f", 1);
    assertThat(v1.origin()).isEqualTo("ROUND");
    assertThat(v1.roundId()).isEqualTo(1);
    assertThat(v1.parentVersion()).isZero();
    assertThat(v1.contributorIds()).containsExactly("p1");
    assertThat(v1.metrics()).containsEntry("test_accuracy", 0.51).containsKey("test_loss");
    assertThat(v1.metrics().get("test_loss")).isNaN();
    assertThat(v1.current()).isTrue();
    assertThat(store.audit(0)).extracting(AuditEntry::action).containsExactly("federation.created",
        "participant.registered", "participant.registered", "round.committed", "round.aborted",
        "coordinator.recovered");
    assertThat(store.verifyAudit().isOk()).isTrue();
  }

  @Test
  void aChangedConfigurationIsRecordedAndAudited() throws Exception {
    open().open(config("f"), model(0, 0), STRATEGY, clock.instant());
    open().open(config("f").toBuilder().rounds(20).build(), model(0, 0), STRATEGY, clock.instant());
    try (Statement s = store.connection().createStatement();
        var rs = s.executeQuery("SELECT field, old_value, new_value FROM config_changes")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(1)).isEqualTo("rounds");
      assertThat(rs.getString(2)).isEqualTo("10");
      assertThat(rs.getString(3)).isEqualTo("20");
      assertThat(rs.next()).isFalse();
    }
    assertThat(store.audit(0)).extracting(AuditEntry::action).contains("config.changed");
  }

  @Test
  void aFailureAfterTheBlobLeavesThePreviousVersionCurrentAndTheOrphanIsSwept() throws Exception {
    commitRounds(1);
    store.setProbe((p, r) -> {
      if (p == StoreProbe.Point.BLOB_WRITTEN) {
        throw new IllegalStateException("disk unplugged");
      }
    });
    assertThatThrownBy(() -> store.commitRound(commit("f", 2, model(2, 2), clock.instant(), Map.of())))
        .hasMessageContaining("disk unplugged");
    assertThat(blobNames()).contains(model(2, 2).sha256() + ".safetensors"); // written, never referenced
    assertThat(store.currentVersion("f")).isEqualTo(1);

    Resumption r = open().open(config("f"), model(0, 0), STRATEGY, clock.instant());
    assertThat(r.model().version()).isEqualTo(1);
    assertThat(r.lastRoundId()).isEqualTo(1);
    assertThat(blobNames()).doesNotContain(model(2, 2).sha256() + ".safetensors");
    assertThat(store.verifyAudit().isOk()).isTrue();
  }

  @Test
  void aFailureInsideTheTransactionRollsEverythingBack() {
    commitRounds(1);
    int auditBefore = store.audit(0).size();
    store.setProbe((p, r) -> {
      if (p == StoreProbe.Point.IN_TRANSACTION) {
        throw new IllegalStateException("power cut");
      }
    });
    assertThatThrownBy(() -> store.commitRound(commit("f", 2, model(2, 2), clock.instant(), Map.of())))
        .hasMessageContaining("power cut");
    assertThat(store.currentVersion("f")).isEqualTo(1);
    assertThat(store.versions("f")).extracting(ModelVersionInfo::version).containsExactly(0L, 1L);
    assertThat(store.rounds("f")).containsOnlyKeys(1L);
    assertThat(store.audit(0)).hasSize(auditBefore);
    assertThat(store.updateMetadataCount("f")).isEqualTo(2);

    store.setProbe(StoreProbe.NONE); // the same round can commit afterwards
    store.commitRound(commit("f", 2, model(2, 2), clock.instant(), Map.of()));
    assertThat(store.currentVersion("f")).isEqualTo(2);
    assertThat(store.verifyAudit().isOk()).isTrue();
  }

  @Test
  void aCommitOnAStaleBaseIsRefused() {
    commitRounds(2);
    assertThatThrownBy(() -> store.commitRound(commit("f", 3, model(2, 9), clock.instant(), Map.of())))
        .isInstanceOf(StoreException.class).hasMessageContaining("based on version 1");
    assertThat(store.currentVersion("f")).isEqualTo(2);
  }

  @Test
  void aCorruptBlobIsRefusedNamingItAndNothingChanges() throws Exception {
    commitRounds(2);
    Path blob = store.blobs().pathOf(model(2, 2).sha256());
    try (RandomAccessFile f = new RandomAccessFile(blob.toFile(), "rw")) {
      f.seek(f.length() - 2);
      f.write(0x7f);
    }
    assertThatThrownBy(() -> store.loadModel("f", 2)).isInstanceOf(StoreException.class)
        .hasMessageContaining(blob.getFileName().toString()).hasMessageContaining("corrupt");
    assertThat(store.verifyBlobs("f")).singleElement().asString().startsWith("version 2:");
    store.close();
    store = null;
    JdbcFederationStore reopened = open();
    assertThatThrownBy(() -> reopened.open(config("f"), model(0, 0), STRATEGY, clock.instant()))
        .isInstanceOf(StoreException.class).hasMessageContaining("corrupt");
    assertThat(reopened.currentVersion("f")).isEqualTo(2);
    assertThat(reopened.verifyAudit().entries()).isEqualTo(3);
  }

  @Test
  void aDifferentLayoutIsRefused() {
    open().open(config("f"), model(0, 0), STRATEGY, clock.instant());
    ModelState other = ModelState.of(ParameterLayout.of(new TensorSpec("w", 3)), new float[3], 0);
    assertThatThrownBy(() -> open().open(config("f"), other, STRATEGY, clock.instant()))
        .isInstanceOf(StoreException.class).hasMessageContaining("layout w[2,2];b[2]").hasMessageContaining("w[3]");
  }

  @Test
  void rollbackMakesANewVersionWithTheOldParametersAndIsAudited() {
    commitRounds(3);
    RolledBack rb = store.rollback("f", 1, "alice", "round 2 and 3 were poisoned", clock.instant());
    assertThat(rb.fromVersion()).isEqualTo(3);
    assertThat(rb.model().version()).isEqualTo(4);
    assertThat(rb.model().sha256()).isEqualTo(model(1, 1).sha256());
    assertThat(rb.strategyState().get("m")).containsExactly(1, -1);
    ModelVersionInfo v4 = store.version("f", 4);
    assertThat(v4.origin()).isEqualTo("ROLLBACK");
    assertThat(v4.parentVersion()).isEqualTo(1);
    assertThat(v4.actor()).isEqualTo("alice");
    assertThat(v4.reason()).isEqualTo("round 2 and 3 were poisoned");
    assertThat(v4.current()).isTrue();
    AuditEntry last = store.audit(1).get(0);
    assertThat(last.action()).isEqualTo("model.rolled_back");
    assertThat(last.actor()).isEqualTo("alice");
    assertThat(last.detail()).contains("\"to_version\":1").contains("poisoned");

    // the next round builds on version 4
    store.commitRound(commit("f", 4, model(5, 5), clock.instant(), Map.of()));
    assertThat(store.currentVersion("f")).isEqualTo(5);
    assertThat(open().open(config("f"), model(0, 0), STRATEGY, clock.instant()).model().version()).isEqualTo(5);
  }

  @Test
  void aBadRollbackChangesNothing() {
    commitRounds(2);
    int audit = store.audit(0).size();
    assertThatThrownBy(() -> store.rollback("f", 9, "op", "typo", clock.instant()))
        .isInstanceOf(StoreException.class).hasMessageContaining("no model version 9");
    assertThatThrownBy(() -> store.rollback("f", 2, "op", "no-op", clock.instant()))
        .hasMessageContaining("already the current version");
    assertThatThrownBy(() -> store.rollback("f", 1, "op", " ", clock.instant())).hasMessageContaining("reason");
    assertThat(store.currentVersion("f")).isEqualTo(2);
    assertThat(store.audit(0)).hasSize(audit);
  }

  @Test
  void retentionKeepsTheLastNPlusTaggedVersionsAndIsAudited() throws Exception {
    commitRounds(2);
    store.tag("f", 1, "baseline", "alice");
    store.setRetention("f", new RetentionPolicy(2, Duration.ZERO), "alice", "disk budget");
    for (int r = 3; r <= 5; r++) {
      clock.add(Duration.ofMinutes(1));
      store.commitRound(commit("f", r, model(r, r), clock.instant(), Map.of()));
    }
    List<ModelVersionInfo> vs = store.versions("f");
    assertThat(vs).filteredOn(ModelVersionInfo::blobPresent).extracting(ModelVersionInfo::version)
        .containsExactly(1L, 4L, 5L);
    assertThat(vs).hasSize(6); // purged versions keep their row: hash, metrics, contributors
    assertThat(blobNames()).doesNotContain(model(2, 2).sha256() + ".safetensors", model(0, 0).sha256() + ".safetensors")
        .contains(model(1, 1).sha256() + ".safetensors");
    assertThatThrownBy(() -> store.loadModel("f", 2)).hasMessageContaining("purged");
    assertThatThrownBy(() -> store.rollback("f", 3, "op", "why not", clock.instant())).hasMessageContaining("purged");
    assertThat(store.audit(0)).extracting(AuditEntry::action).contains("model.tagged", "retention.changed",
        "retention.purged");
    assertThat(store.retention("f")).isEqualTo(new RetentionPolicy(2, Duration.ZERO));
    // a rollback to the tagged version still works
    assertThat(store.rollback("f", 1, "op", "back to baseline", clock.instant()).model().sha256())
        .isEqualTo(model(1, 1).sha256());
    assertThat(store.verifyAudit().isOk()).isTrue();
  }

  @Test
  void updateMetadataOlderThanTheConfiguredAgeIsPurged() {
    commitRounds(3); // two update rows per round, a minute apart
    assertThat(store.updateMetadataCount("f")).isEqualTo(6);
    store.setRetention("f", new RetentionPolicy(0, Duration.ofSeconds(30)), "ops", "privacy");
    JdbcFederationStore.Purge p = store.purge("f");
    assertThat(p.updateRows()).isEqualTo(4);
    assertThat(p.versions()).isEmpty();
    assertThat(store.updateMetadataCount("f")).isEqualTo(2);
    assertThat(store.audit(1).get(0).action()).isEqualTo("retention.purged");
    assertThat(store.purge("f").isEmpty()).isTrue();
  }

  @Test
  void auditVerifyNamesTheFirstEditedRow() throws Exception {
    commitRounds(3);
    assertThat(store.verifyAudit()).isEqualTo(AuditVerification.ok(4));
    try (PreparedStatement ps = store.connection().prepareStatement(
        "UPDATE audit_log SET detail = REPLACE(detail, '\"contributors\":1', '\"contributors\":7') WHERE seq = 3")) {
      assertThat(ps.executeUpdate()).isEqualTo(1);
    }
    AuditVerification v = store.verifyAudit();
    assertThat(v.isOk()).isFalse();
    assertThat(v.firstBadSeq()).isEqualTo(3);
    assertThat(v.problem()).contains("entry 3").contains("round.committed").contains("altered");
  }

  @Test
  void auditVerifyNoticesADeletedRow() throws Exception {
    commitRounds(3);
    try (Statement s = store.connection().createStatement()) {
      s.executeUpdate("DELETE FROM audit_log WHERE seq = 2");
    }
    AuditVerification v = store.verifyAudit();
    assertThat(v.firstBadSeq()).isEqualTo(3);
    assertThat(v.problem()).contains("entries missing");
  }

  @Test
  void exportWritesSafetensorsWithMetadataAndImportMakesANewCurrentVersion() throws Exception {
    commitRounds(2);
    Path out = dir.resolve("v1.safetensors");
    store.exportModel("f", 1, out);
    SafetensorsFile f = SafetensorsFile.read(out);
    assertThat(f.toModel(1).sha256()).isEqualTo(model(1, 1).sha256());
    assertThat(f.metadata()).containsEntry("format", "pt").containsEntry("flotilla.version", "1")
        .containsEntry("flotilla.round", "1").containsEntry("flotilla.sha256", model(1, 1).sha256())
        .containsEntry("flotilla.layout", LAYOUT.canonical());
    assertThat(f.metadata().get("flotilla.metrics")).contains("test_accuracy");

    RolledBack imported = store.importModel("f", out, "bob", "restore the exported weights");
    assertThat(imported.model().version()).isEqualTo(3);
    assertThat(store.version("f", 3).origin()).isEqualTo("IMPORT");
    assertThat(store.loadModel("f", 3).sha256()).isEqualTo(model(1, 1).sha256());
    assertThat(store.audit(1).get(0).action()).isEqualTo("model.imported");
  }

  @Test
  void aCorruptOrMismatchedImportChangesNothing() throws Exception {
    commitRounds(1);
    int audit = store.audit(0).size();
    Path wrongShape = dir.resolve("wrong.safetensors");
    SafetensorsFile.of(ParameterLayout.of(new TensorSpec("w", 4), new TensorSpec("b", 2)), new float[6], Map.of())
        .write(wrongShape);
    assertThatThrownBy(() -> store.importModel("f", wrongShape, "bob", "try"))
        .isInstanceOf(SafetensorsException.class).hasMessageContaining("tensor 'w' has shape [4], expected [2, 2]");
    Path truncated = dir.resolve("cut.safetensors");
    store.exportModel("f", 1, truncated);
    byte[] b = Files.readAllBytes(truncated);
    Files.write(truncated, java.util.Arrays.copyOf(b, b.length - 1));
    assertThatThrownBy(() -> store.importModel("f", truncated, "bob", "try"))
        .isInstanceOf(SafetensorsException.class).hasMessageContaining("cut.safetensors");
    Path nan = dir.resolve("nan.safetensors");
    float[] p = new float[LAYOUT.size()];
    p[3] = Float.NaN;
    SafetensorsFile.of(LAYOUT, p, Map.of()).write(nan);
    assertThatThrownBy(() -> store.importModel("f", nan, "bob", "try")).hasMessageContaining("NaN");
    assertThat(store.currentVersion("f")).isEqualTo(1);
    assertThat(store.audit(0)).hasSize(audit);
    assertThat(store.versions("f")).hasSize(2);
  }
}
