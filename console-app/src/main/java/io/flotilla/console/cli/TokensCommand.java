package io.flotilla.console.cli;

import io.flotilla.engine.security.CertificateAuthority;
import io.flotilla.engine.transport.proto.CreateTokenRequest;
import io.flotilla.engine.transport.proto.CreateTokenResponse;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code flotilla tokens create}: a one-time enrollment token, written as an onboarding bundle. */
@Command(name = "tokens", mixinStandardHelpOptions = true,
    description = "One-time enrollment tokens and onboarding bundles.", subcommands = {TokensCommand.Create.class})
public final class TokensCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getErr());
  }

  /** {@code flotilla tokens create}. */
  @Command(name = "create", mixinStandardHelpOptions = true, sortOptions = false,
      description = "Create a one-time token and write the onboarding bundle (coordinator address, CA certificate, "
          + "token) to --out. The bundle is a secret until it is used or expires.")
  static final class Create implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin AdminOptions admin;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "where to write the bundle (JSON)")
    Path out;

    @Option(names = "--role", defaultValue = "participant",
        description = "participant | observer | operator | admin (default: ${DEFAULT-VALUE})")
    String role;

    @Option(names = "--name", paramLabel = "NAME", description = "the identity the enrollee will have (default: its choice)")
    String name;

    @Option(names = "--ttl", defaultValue = "24h", description = "how long the token can be used (default: ${DEFAULT-VALUE})")
    String ttl;

    @Option(names = "--address", paramLabel = "HOST:PORT",
        description = "coordinator address for the bundle (default: the running coordinator's advertised address)")
    String address;

    @Override
    public Integer call() throws Exception {
      CreateTokenRequest req;
      try {
        io.flotilla.engine.security.Role.parse(role);
        if (name != null) {
          CertificateAuthority.checkName(name);
        }
        req = CreateTokenRequest.newBuilder().setRole(role).setParticipantName(name == null ? "" : name)
            .setTtlSeconds(TrustHome.parseDuration(ttl, "--ttl").toSeconds())
            .setCoordinatorAddress(address == null ? "" : address).build();
        if (Files.exists(out)) {
          throw new IllegalArgumentException("--out " + out + " exists; refusing to overwrite a bundle");
        }
      } catch (IllegalArgumentException e) {
        throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
      }
      try (AdminAccess access = AdminAccess.open(admin)) {
        CreateTokenResponse r = access.createToken(req, address);
        Files.writeString(out, r.getBundleJson());
        CertificateAuthority.restrict(out);
        PrintWriter w = spec.commandLine().getOut();
        w.printf("flotilla tokens: bundle for a %s%s written to %s (one use, expires %s) via %s%n", role,
            name == null ? "" : " named " + name, out, Instant.ofEpochMilli(r.getExpiresUnixMillis()), access.where());
        w.flush();
        return 0;
      }
    }
  }
}
