package io.flotilla.console.app.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.collections.FXCollections;
import javafx.collections.ListChangeListener;
import javafx.collections.ObservableList;
import org.junit.jupiter.api.Test;

/** A held copy stands still and catches up in as few changes as it can. */
class HeldListTest {
  private static List<String> changes(ObservableList<String> list) {
    List<String> seen = new ArrayList<>();
    list.addListener((ListChangeListener<String>) c -> {
      while (c.next()) {
        seen.add((c.wasReplaced() ? "replaced " : c.wasAdded() ? "added " : c.wasRemoved() ? "removed " : "other ")
            + c.getFrom() + " " + (c.wasAdded() ? c.getAddedSubList() : c.getRemoved()));
      }
    });
    return seen;
  }

  @Test
  void followsTheSourceWhileLive() {
    ObservableList<String> source = FXCollections.observableArrayList("b", "a");
    SimpleBooleanProperty live = new SimpleBooleanProperty(true);
    HeldList<String> held = new HeldList<>(source).liveWhile(live);
    source.add(0, "c");
    source.remove(2);
    source.sort(null);
    assertThat(held.list()).containsExactlyElementsOf(source);
  }

  @Test
  void heldItStandsStillAndCatchesUpWithOneAddInFrontAndOneRemoveAtTheEnd() {
    ObservableList<String> source = FXCollections.observableArrayList("3", "2", "1");
    SimpleBooleanProperty live = new SimpleBooleanProperty(true);
    HeldList<String> held = new HeldList<>(source).liveWhile(live);
    List<String> seen = changes(held.list());
    live.set(false);
    for (int r = 4; r <= 6; r++) { // newest first, capped at four
      source.add(0, Integer.toString(r));
      if (source.size() > 4) {
        source.remove(source.size() - 1);
      }
    }
    assertThat(held.list()).containsExactly("3", "2", "1");
    assertThat(seen).isEmpty();
    live.set(true);
    assertThat(held.list()).containsExactly("6", "5", "4", "3");
    assertThat(seen).containsExactly("removed 1 [2, 1]", "added 0 [6, 5, 4]");
  }

  @Test
  void entriesAddedAtTheEndArriveAtTheEnd() {
    ObservableList<String> source = FXCollections.observableArrayList("a", "b");
    SimpleBooleanProperty live = new SimpleBooleanProperty(false);
    HeldList<String> held = new HeldList<>(source).liveWhile(live);
    source.addAll("c", "d");
    assertThat(held.list()).containsExactly("a", "b");
    live.set(true);
    assertThat(held.list()).containsExactly("a", "b", "c", "d");
  }

  @Test
  void aListRebuiltWhileHeldIsReplacedWhole() {
    ObservableList<String> source = FXCollections.observableArrayList("3", "2", "1");
    SimpleBooleanProperty live = new SimpleBooleanProperty(false);
    HeldList<String> held = new HeldList<>(source).liveWhile(live);
    List<String> seen = changes(held.list());
    source.setAll("2", "1", "x"); // a rollback rebuilt the list: "3" is gone from the front
    live.set(true);
    assertThat(held.list()).containsExactly("2", "1", "x");
    assertThat(seen).hasSize(1);
    source.setAll("9");
    assertThat(held.list()).containsExactly("9");
  }

  @Test
  void anEmptyCopyHoldsToo() {
    ObservableList<String> source = FXCollections.observableArrayList();
    SimpleBooleanProperty live = new SimpleBooleanProperty(false);
    HeldList<String> held = new HeldList<>(source).liveWhile(live);
    source.addAll("b", "a"); // the first drift alarms, say: no cells made on a hidden page
    assertThat(held.list()).isEmpty();
    live.set(true);
    assertThat(held.list()).containsExactly("b", "a");
  }
}
