package io.flotilla.console.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.flotilla.engine.model.SafetensorsFile;
import io.flotilla.engine.store.JdbcFederationStore;
import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Statement;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code flotilla simulate --state-dir}, {@code models ...} and {@code audit ...} end to end, in-process. */
class ModelsCommandTest {
  @TempDir Path dir;

  record Result(int code, String out, String err) {}

  static Result run(String... args) {
    CommandLine cl = FlotillaCommand.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    return new Result(cl.execute(args), out.toString(), err.toString());
  }

  Result simulate(Path state, int rounds) {
    return run("simulate", "--dataset", "synthetic:0,0", "--participants", "6", "--per-round", "3", "--rounds",
        Integer.toString(rounds), "--seed", "2", "--quiet", "--state-dir", state.toString());
  }

  Result models(Path state, String... args) {
    String[] full = new String[args.length + 2];
    full[0] = "models";
    full[1] = args[0];
    full[2] = "--state-dir=" + state;
    System.arraycopy(args, 1, full, 3, args.length - 1);
    return run(full);
  }

  @Test
  void versionsCanBeListedShownDiffedTaggedExportedRolledBackImportedAndPurged() throws Exception {
    Path state = dir.resolve("state");
    Result sim = simulate(state, 4);
    assertThat(sim.code()).as(sim.err()).isZero();

    Result list = models(state, "list");
    assertThat(list.code()).as(list.err()).isZero();
    assertThat(list.out()).contains("federation simulation").contains("INITIAL").contains("ROUND").contains("current");
    assertThat(list.out().lines().filter(l -> l.matches("\\s+\\d+ .*"))).hasSize(5);

    Result show = models(state, "show", "2");
    assertThat(show.code()).as(show.err()).isZero();
    assertThat(show.out()).contains("origin         ROUND of round 2").contains("parent         v1")
        .contains("metric         test_accuracy").contains("contributors   ");
    String sha2 = show.out().lines().filter(l -> l.startsWith("sha256")).findFirst().orElseThrow().split("\\s+")[1];

    Result diff = models(state, "diff", "1", "current");
    assertThat(diff.code()).as(diff.err()).isZero();
    assertThat(diff.out()).contains("v1 -> v4").contains("total");

    assertThat(models(state, "tag", "2", "best").code()).isZero();
    Path exported = dir.resolve("v2.safetensors");
    Result export = models(state, "export", "2", "--out", exported.toString());
    assertThat(export.code()).as(export.err()).isZero();
    SafetensorsFile f = SafetensorsFile.read(exported);
    assertThat(f.metadata()).containsEntry("flotilla.version", "2").containsEntry("flotilla.sha256", sha2);
    assertThat(f.toModel(2).sha256()).isEqualTo(sha2);

    Result rb = models(state, "rollback", "1", "--reason", "round 2 looked odd");
    assertThat(rb.code()).as(rb.err()).isZero();
    assertThat(rb.out()).contains("version 5 holds the parameters of version 1");

    // the next run resumes from the rolled-back version and keeps numbering
    Result resumed = run("simulate", "--dataset", "synthetic:0,0", "--participants", "6", "--per-round", "3",
        "--rounds", "6", "--seed", "2", "--state-dir", state.toString());
    assertThat(resumed.code()).as(resumed.err()).isZero();
    assertThat(resumed.out()).contains("resuming at model version 5, 4 of 6 rounds committed").contains("round    5")
        .contains("round    6");

    Result imp = models(state, "import", exported.toString(), "--reason", "bring back v2");
    assertThat(imp.code()).as(imp.err()).isZero();
    assertThat(imp.out()).contains("as version 8");

    assertThat(models(state, "retention", "--keep-last", "2", "--purge-updates-older-than", "30d").code()).isZero();
    Result purge = models(state, "purge");
    assertThat(purge.code()).as(purge.err()).isZero();
    Result after = models(state, "list");
    assertThat(after.out()).contains("tags=best").contains("purged");
    assertThat(models(state, "show", "3").out()).contains("purged by retention");
    assertThat(models(state, "export", "3", "--out", dir.resolve("x.safetensors").toString()).err())
        .contains("purged");
    assertThat(models(state, "verify").code()).isZero();

    Result audit = run("audit", "verify", "--state-dir", state.toString());
    assertThat(audit.code()).as(audit.err()).isZero();
    assertThat(audit.out()).contains("chain intact");
    Result auditList = run("audit", "list", "--state-dir", state.toString(), "--last", "0");
    assertThat(auditList.out()).contains("federation.created").contains("round.committed")
        .contains("model.rolled_back").contains("model.imported").contains("model.tagged")
        .contains("retention.changed").contains("retention.purged").contains("coordinator.recovered");
  }

  @Test
  void aTamperedAuditRowOrBlobIsReportedWithExitOne() throws Exception {
    Path state = dir.resolve("state");
    assertThat(simulate(state, 2).code()).isZero();
    try (JdbcFederationStore s = JdbcFederationStore.openDirectory(state);
        Statement st = s.connection().createStatement()) {
      assertThat(st.executeUpdate("UPDATE audit_log SET actor = 'mallory' WHERE seq = 4")).isEqualTo(1);
    }
    Result audit = run("audit", "verify", "--state-dir", state.toString());
    assertThat(audit.code()).isEqualTo(1);
    assertThat(audit.err()).contains("broken at entry 4");

    String sha = models(state, "show", "current").out().lines().filter(l -> l.startsWith("sha256")).findFirst()
        .orElseThrow().split("\\s+")[1];
    try (RandomAccessFile f = new RandomAccessFile(state.resolve("models").resolve(sha + ".safetensors").toFile(), "rw")) {
      f.seek(f.length() - 1);
      f.write(0x42);
    }
    Result verify = models(state, "verify");
    assertThat(verify.code()).isEqualTo(1);
    assertThat(verify.err()).contains(sha).contains("corrupt");
    Result show = models(state, "export", "current", "--out", dir.resolve("y.safetensors").toString());
    assertThat(show.code()).isEqualTo(1);
    assertThat(dir.resolve("y.safetensors")).doesNotExist();
  }

  @Test
  void badArgumentsAndFilesAreRefused() throws Exception {
    Path state = dir.resolve("state");
    assertThat(simulate(state, 1).code()).isZero();
    Result none = models(dir.resolve("empty"), "list");
    assertThat(none.code()).isEqualTo(2);
    assertThat(none.err()).contains("no Flotilla state");
    assertThat(dir.resolve("empty")).doesNotExist();

    Result unknown = models(state, "show", "99");
    assertThat(unknown.code()).isEqualTo(1);
    assertThat(unknown.err()).contains("no model version 99");

    Path cut = dir.resolve("cut.safetensors");
    assertThat(models(state, "export", "current", "--out", cut.toString()).code()).isZero();
    byte[] b = Files.readAllBytes(cut);
    Files.write(cut, Arrays.copyOf(b, b.length / 2));
    Result imp = models(state, "import", cut.toString(), "--reason", "x");
    assertThat(imp.code()).isEqualTo(2);
    assertThat(imp.err()).contains("cut.safetensors").contains("nothing was changed");
    assertThat(models(state, "list").out().lines().filter(l -> l.matches("\\s+\\d+ .*"))).hasSize(2);
    Result rb = models(state, "rollback", "0");
    assertThat(rb.code()).isNotZero();
    assertThat(rb.err()).contains("--reason");
  }
}
