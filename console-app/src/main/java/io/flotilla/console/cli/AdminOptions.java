package io.flotilla.console.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * How an operator command reaches the federation: directly on {@code --state-dir} when no coordinator holds
 * it, or through the running coordinator's admin service (mutual TLS with an operator identity, default the
 * local admin's) — automatically when the state directory is in use, or with {@code --coordinator}.
 * Not thread-safe.
 */
public final class AdminOptions {
  @Option(names = "--state-dir", paramLabel = "DIR", description = "state directory of the federation (with its CA)")
  Path stateDir;

  @Option(names = "--passphrase-file", paramLabel = "FILE",
      description = "CA passphrase file, when working directly on the state directory (default: FLOTILLA_CA_PASSPHRASE)")
  Path passphraseFile;

  @Option(names = "--coordinator", paramLabel = "HOST:PORT",
      description = "a running coordinator to act through (default: the one holding --state-dir, if any)")
  String coordinator;

  @Option(names = "--as", paramLabel = "DIR",
      description = "operator identity directory for the admin service (default: <state-dir>/ca/admin)")
  Path identity;
}
