package io.flotilla.console.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The identity flags of {@code flotilla participant}: an enrolled identity directory (mutual TLS, signed
 * updates), optionally created first from an onboarding bundle; or {@code --insecure}. Not thread-safe.
 */
public final class ParticipantTrustOptions {
  @Option(names = "--insecure", description = "plaintext gRPC, identity claimed not proven (loopback demos only; prints a warning)")
  boolean insecure;

  @Option(names = "--identity", paramLabel = "DIR",
      description = "directory with this participant's key and certificate (written by enrollment)")
  Path identity;

  @Option(names = "--enroll", paramLabel = "BUNDLE",
      description = "onboarding bundle from the operator: enroll first (generates the key here) when --identity holds none")
  Path bundle;

  @Option(names = "--device-class", paramLabel = "CLASS", description = "device class declared at enrollment (default: the scenario's)")
  String deviceClass;

  @Option(names = "--region", paramLabel = "REGION", defaultValue = "", description = "region declared at enrollment")
  String region;

  @Option(names = "--consent", description = "declare consent to take part (the federation's policy may require it)")
  boolean consent;

  @Option(names = "--enroll-timeout", paramLabel = "SECONDS", defaultValue = "3600",
      description = "how long to wait for an operator's approval (default: ${DEFAULT-VALUE})")
  int enrollTimeout;
}
