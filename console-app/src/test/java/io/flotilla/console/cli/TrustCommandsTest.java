package io.flotilla.console.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.flotilla.engine.security.CertificateAuthority;
import io.flotilla.engine.security.OnboardingBundle;
import io.flotilla.engine.security.TrustStore.EnrollmentRecord;
import io.flotilla.engine.store.JdbcFederationStore;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code ca}, {@code tokens}, {@code enrollments}, {@code participants} and {@code audit verify} on a state directory. */
class TrustCommandsTest {
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

  Path pass(String text) throws Exception {
    Path p = Files.createTempFile(dir, "pass", ".txt");
    Files.writeString(p, text + "\n");
    return p;
  }

  @Test
  void caInitTokensAndTheEnrollmentQueueWorkOnAStoppedFederationAndEveryActionIsAudited() throws Exception {
    Path state = dir.resolve("state");
    Path pass = pass("correct horse battery");
    Result init = run("ca", "init", "--state-dir", state.toString(), "--passphrase-file", pass.toString());
    assertThat(init.code()).as(init.err()).isZero();
    assertThat(init.out()).contains("created 'Flotilla federation CA'").contains("SHA-256 fingerprint");
    assertThat(init.out()).doesNotContain("correct horse");
    assertThat(state.resolve("ca/root.p12")).isRegularFile();
    assertThat(Files.readString(state.resolve("ca/root.p12"), java.nio.charset.StandardCharsets.ISO_8859_1))
        .doesNotContain("BEGIN");
    assertThat(state.resolve("ca/server.key")).isRegularFile();
    assertThat(state.resolve("ca/admin/cert.pem")).isRegularFile();
    Result again = run("ca", "init", "--state-dir", state.toString(), "--passphrase-file", pass.toString());
    assertThat(again.code()).isEqualTo(2);
    assertThat(again.err()).contains("a CA already exists");

    // a wrong passphrase changes nothing
    Path bundle = dir.resolve("edge.bundle.json");
    Result wrong = run("tokens", "create", "--state-dir", state.toString(), "--passphrase-file",
        pass("not the passphrase").toString(), "--name", "edge-1", "--address", "10.0.0.5:7070", "--out", bundle.toString());
    assertThat(wrong.code()).isNotZero();
    assertThat(wrong.err()).contains("wrong CA passphrase");
    assertThat(bundle).doesNotExist();

    Result token = run("tokens", "create", "--state-dir", state.toString(), "--passphrase-file", pass.toString(),
        "--name", "edge-1", "--address", "10.0.0.5:7070", "--ttl", "2h", "--out", bundle.toString());
    assertThat(token.code()).as(token.err()).isZero();
    OnboardingBundle b = OnboardingBundle.read(bundle);
    assertThat(b.coordinator()).isEqualTo("10.0.0.5:7070");
    assertThat(b.participantName()).isEqualTo("edge-1");
    assertThat(b.caPem()).isEqualTo(Files.readString(state.resolve("ca/ca.pem")));

    // the participant's request (what the Enrollment RPC does), then the operator's decisions
    long id;
    try (TrustHome home = TrustHome.open(state, pass, Duration.ofHours(24), Clock.systemUTC())) {
      EnrollmentRecord r = home.trust.enroll(b.token(), CertificateAuthority.csr(
          CertificateAuthority.generateKeyPair(new SecureRandom()), "x"), "phone", "eu", true, null);
      id = r.id();
    }
    Result list = run("enrollments", "list", "--state-dir", state.toString(), "--passphrase-file", pass.toString(),
        "--state", "pending");
    assertThat(list.code()).as(list.err()).isZero();
    assertThat(list.out()).contains("edge-1").contains("pending").contains("phone");
    Result reject = run("enrollments", "reject", Long.toString(id), "--reason", "unknown device", "--state-dir",
        state.toString(), "--passphrase-file", pass.toString());
    assertThat(reject.code()).as(reject.err()).isZero();
    assertThat(reject.out()).contains("rejected");
    Result late = run("enrollments", "approve", Long.toString(id), "--state-dir", state.toString(), "--passphrase-file",
        pass.toString());
    assertThat(late.code()).isNotZero();
    assertThat(late.err()).contains("is rejected, not pending");

    Result policy = run("enrollments", "policy", "--state-dir", state.toString(), "--passphrase-file", pass.toString(),
        "--regions", "eu,ch", "--auto-approve", "false");
    assertThat(policy.code()).as(policy.err()).isZero();
    assertThat(policy.out()).contains("regions          ch, eu").contains("require consent  yes");

    Result revokeUnknown = run("participants", "revoke", "ghost", "--reason", "x", "--state-dir", state.toString(),
        "--passphrase-file", pass.toString());
    assertThat(revokeUnknown.code()).isNotZero();
    assertThat(revokeUnknown.err()).contains("no enrolled participant 'ghost'");

    Result audit = run("audit", "list", "--state-dir", state.toString(), "--last", "0");
    assertThat(audit.out()).contains("ca.created").contains("certificate.issued").contains("enrollment.token_created")
        .contains("enrollment.requested").contains("enrollment.rejected").contains("policy.changed")
        .contains("operator.allowed");
    assertThat(run("audit", "verify", "--state-dir", state.toString()).code()).isZero();
  }

  @Test
  void auditVerifyFailsAtTheEditedRow() throws Exception {
    Path state = dir.resolve("state");
    Path pass = pass("correct horse battery");
    assertThat(run("ca", "init", "--state-dir", state.toString(), "--passphrase-file", pass.toString()).code()).isZero();
    for (String name : new String[] {"a", "b", "c"}) {
      assertThat(run("tokens", "create", "--state-dir", state.toString(), "--passphrase-file", pass.toString(), "--name",
          name, "--address", "h:1", "--out", dir.resolve(name + ".json").toString()).code()).isZero();
    }
    Result ok = run("audit", "verify", "--state-dir", state.toString());
    assertThat(ok.code()).as(ok.err()).isZero();
    int n = Integer.parseInt(ok.out().replaceAll("(?s).*verified: (\\d+) entries.*", "$1"));
    assertThat(n).isGreaterThanOrEqualTo(6);
    long edited;
    try (JdbcFederationStore s = JdbcFederationStore.openDirectory(state)) {
      edited = s.audit(0).stream().filter(e -> e.action().equals("enrollment.token_created") && e.subject().equals("b"))
          .findFirst().orElseThrow().seq();
      try (PreparedStatement ps = s.connection().prepareStatement(
          "UPDATE audit_log SET detail = REPLACE(detail, '\"role\":\"participant\"', '\"role\":\"admin\"') WHERE seq = ?")) {
        ps.setLong(1, edited);
        assertThat(ps.executeUpdate()).isEqualTo(1);
      }
    }
    Result broken = run("audit", "verify", "--state-dir", state.toString());
    assertThat(broken.code()).isEqualTo(1);
    assertThat(broken.err()).contains("audit log broken at entry " + edited + ":")
        .contains("enrollment.token_created");
  }

  @Test
  void serveAndParticipantRequireMutualTlsUnlessInsecure() {
    Result serve = run("serve", "--participants", "1", "--rounds", "1", "--port", "0");
    assertThat(serve.code()).isEqualTo(2);
    assertThat(serve.err()).contains("mutual TLS needs --state-dir DIR").contains("or --insecure");
    Result noCa = run("serve", "--state-dir", dir.resolve("empty").toString(), "--participants", "1", "--port", "0");
    assertThat(noCa.code()).isEqualTo(2);
    assertThat(noCa.err()).contains("no certificate authority there; run 'flotilla ca init");
    Result participant = run("participant", "--participants", "1", "--index", "0", "--coordinator", "localhost:1");
    assertThat(participant.code()).isEqualTo(2);
    assertThat(participant.err()).contains("mutual TLS needs --identity DIR");
    Result swarm = run("swarm", "--participants", "1", "--count", "1", "--coordinator", "localhost:1");
    assertThat(swarm.err()).contains("--insecure is required");
  }
}
