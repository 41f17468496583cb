package io.flotilla.console.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code flotilla console} refuses a bad scenario, address or passphrase file before any window opens. */
class ConsoleCommandTest {
  private static String[] run(String... args) {
    CommandLine cl = FlotillaCommand.commandLine();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(new StringWriter()));
    cl.setErr(new PrintWriter(err));
    int code = cl.execute(args);
    return new String[] {Integer.toString(code), err.toString()};
  }

  @Test
  void anUnknownScenarioExitsWithTwoNamingItAndTheChoices() {
    String[] r = run("console", "--scenario", "no-such-scenario");
    assertThat(r[0]).isEqualTo("2");
    assertThat(r[1]).contains("unknown scenario 'no-such-scenario'").contains("large-fleet");
  }

  @Test
  void aBadServeAddressExitsWithTwo() {
    String[] r = run("console", "--serve", "7070");
    assertThat(r[0]).isEqualTo("2");
    assertThat(r[1]).contains("invalid --serve").contains("expected HOST:PORT");
  }

  @Test
  void anUnreadablePassphraseFileExitsWithTwoNamingIt() {
    String[] r = run("console", "--passphrase-file", "/no/such/passphrase-file");
    assertThat(r[0]).isEqualTo("2");
    assertThat(r[1]).contains("--passphrase-file /no/such/passphrase-file: cannot read it");
  }
}
