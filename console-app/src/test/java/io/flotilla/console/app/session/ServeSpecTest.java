package io.flotilla.console.app.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ServeSpecTest {
  @Test
  void parsesHostAndPort() {
    assertThat(ServeSpec.parse("0.0.0.0:7070")).isEqualTo(new ServeSpec("0.0.0.0", 7070));
    assertThat(ServeSpec.parse(" localhost:0 ")).isEqualTo(new ServeSpec("localhost", 0));
    assertThat(ServeSpec.parse("[::1]:9000")).isEqualTo(new ServeSpec("::1", 9000));
    assertThat(new ServeSpec("::1", 9000)).hasToString("[::1]:9000");
    assertThat(new ServeSpec("0.0.0.0", 7070).dialAddress(7071)).isEqualTo("127.0.0.1:7071");
    assertThat(new ServeSpec("10.0.0.5", 0).dialAddress(40000)).isEqualTo("10.0.0.5:40000");
  }

  @Test
  void refusesWhatIsNotHostColonPort() {
    assertThatThrownBy(() -> ServeSpec.parse("7070")).hasMessageContaining("expected HOST:PORT");
    assertThatThrownBy(() -> ServeSpec.parse("host:")).hasMessageContaining("expected HOST:PORT");
    assertThatThrownBy(() -> ServeSpec.parse(":7070")).hasMessageContaining("expected HOST:PORT");
    assertThatThrownBy(() -> ServeSpec.parse("host:http")).hasMessageContaining("numeric port");
    assertThatThrownBy(() -> ServeSpec.parse("host:70000")).hasMessageContaining("70000");
    assertThatThrownBy(() -> ServeSpec.parse(null)).hasMessageContaining("got nothing");
  }
}
