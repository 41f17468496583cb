package io.flotilla.console.cli;

import io.flotilla.engine.store.JdbcFederationStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The {@code --state-dir DIR [--federation NAME]} options shared by the commands that read or change a
 * persisted federation, and opening the store they point at. Not thread-safe (one command invocation).
 */
public final class StateDirOptions {
  @Option(names = "--state-dir", paramLabel = "DIR", required = true,
      description = "state directory of a federation (as given to 'flotilla simulate --state-dir')")
  Path stateDir;

  @Option(names = "--federation", paramLabel = "NAME",
      description = "federation in the state directory (default: the only one there)")
  String federation;

  /**
   * Opens the store; refuses a directory that holds no Flotilla state rather than creating one.
   *
   * @throws IllegalArgumentException naming the directory
   */
  JdbcFederationStore open() {
    if (!Files.isRegularFile(stateDir.resolve("flotilla.mv.db"))) {
      throw new IllegalArgumentException("--state-dir " + stateDir + ": no Flotilla state there (flotilla.mv.db is missing)");
    }
    return JdbcFederationStore.openDirectory(stateDir);
  }

  /** The federation to act on: {@code --federation}, or the only one in the store. */
  String federation(JdbcFederationStore store) {
    List<String> all = store.federations();
    if (federation != null) {
      if (!all.contains(federation)) {
        throw new IllegalArgumentException("--federation: no federation '" + federation + "' in " + stateDir
            + " (there: " + String.join(", ", all) + ")");
      }
      return federation;
    }
    if (all.size() != 1) {
      throw new IllegalArgumentException(all.isEmpty() ? "no federation in " + stateDir
          : "several federations in " + stateDir + " (" + String.join(", ", all) + "): choose one with --federation");
    }
    return all.get(0);
  }
}
