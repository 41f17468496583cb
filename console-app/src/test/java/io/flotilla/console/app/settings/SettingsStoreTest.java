package io.flotilla.console.app.settings;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SettingsStoreTest {
  @TempDir
  Path dir;

  @Test
  void aMissingFileGivesTheDefaults() {
    assertThat(new SettingsStore(dir.resolve("none.json")).load()).isEqualTo(ConsoleSettings.DEFAULTS);
  }

  @Test
  void settingsSurviveARoundTripInANewFolder() {
    SettingsStore store = new SettingsStore(dir.resolve("a/b/console.json"));
    ConsoleSettings s = ConsoleSettings.DEFAULTS.withBounds(40, 60, 1500, 900, true).withDark(true)
        .withPage("TIMELINE").withParticipantsHiddenColumns(java.util.List.of("colAccepted", "colCpu"));
    store.save(s);
    assertThat(store.load()).isEqualTo(s);
    assertThat(dir.resolve("a/b")).isDirectoryNotContaining("glob:**.tmp");
  }

  @Test
  void aCorruptOrNonsensicalFileFallsBackToSafeValues() throws Exception {
    Path f = dir.resolve("console.json");
    Files.writeString(f, "{ not json");
    assertThat(new SettingsStore(f).load()).isEqualTo(ConsoleSettings.DEFAULTS);
    Files.writeString(f, "{\"width\": -5, \"height\": \"tall\", \"dark\": true, \"unknown\": 1}");
    ConsoleSettings s = new SettingsStore(f).load();
    assertThat(s.width()).isEqualTo(ConsoleSettings.DEFAULT_WIDTH);
    assertThat(s.height()).isEqualTo(ConsoleSettings.DEFAULT_HEIGHT);
    assertThat(s.dark()).isTrue();
    assertThat(s.hasPosition()).isFalse();
    assertThat(s.participantsHiddenColumns()).isNull();
    Files.writeString(f, "{\"participantsHiddenColumns\": [\"colCpu\", 3, null, \"colStrikes\"]}");
    assertThat(new SettingsStore(f).load().participantsHiddenColumns()).containsExactly("colCpu", "colStrikes");
    Files.writeString(f, "{\"participantsHiddenColumns\": \"colCpu\"}");
    assertThat(new SettingsStore(f).load().participantsHiddenColumns()).isNull();
  }

  @Test
  void theDefaultLocationIsInTheUsersConfigFolder() {
    assertThat(SettingsStore.defaultLocation().toString()).endsWith("flotilla/console.json");
  }
}
