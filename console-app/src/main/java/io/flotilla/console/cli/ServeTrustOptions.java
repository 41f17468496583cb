package io.flotilla.console.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The trust flags of {@code flotilla serve}: mutual TLS with the state directory's CA (the default), or
 * plaintext with {@code --insecure}. Not thread-safe (one command invocation).
 */
public final class ServeTrustOptions {
  @Option(names = "--insecure", description = "plaintext gRPC without participant authentication (loopback demos only; prints a warning)")
  boolean insecure;

  @Option(names = "--state-dir", paramLabel = "DIR",
      description = "state directory with the federation's CA ('flotilla ca init'): enrollments, certificates, audit log")
  Path stateDir;

  @Option(names = "--passphrase-file", paramLabel = "FILE",
      description = "file whose first line is the CA passphrase (default: environment variable FLOTILLA_CA_PASSPHRASE)")
  Path passphraseFile;

  @Option(names = "--san", paramLabel = "NAME", split = ",",
      description = "extra DNS names or IP addresses participants use to reach this coordinator (server certificate)")
  List<String> sans = new ArrayList<>();

  @Option(names = "--advertise", paramLabel = "HOST:PORT",
      description = "the address written into onboarding bundles (default: --host:--port)")
  String advertise;

  @Option(names = "--cert-lifetime", paramLabel = "DURATION", defaultValue = "24h",
      description = "lifetime of participant certificates, renewed automatically at two thirds (default: ${DEFAULT-VALUE})")
  String certLifetime;
}
