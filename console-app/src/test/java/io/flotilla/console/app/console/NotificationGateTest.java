package io.flotilla.console.app.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import javafx.beans.property.ReadOnlyDoubleWrapper;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleStringProperty;
import org.junit.jupiter.api.Test;

/** A closed gate holds listeners' notifications, never the values; opening delivers one per changed value. */
class NotificationGateTest {
  @Test
  void anOpenGateNotifiesAtOnce() {
    NotificationGate gate = new NotificationGate();
    ReadOnlyStringWrapper s = gate.string("a");
    List<String> heard = new ArrayList<>();
    s.getReadOnlyProperty().addListener((o, was, is) -> heard.add(is));
    s.set("b");
    s.set("c");
    assertThat(heard).containsExactly("b", "c");
    assertThat(gate.heldCount()).isZero();
  }

  @Test
  void aClosedGateHoldsNotificationsButNotValuesAndDeliversTheNewestOnceWhenOpened() {
    NotificationGate gate = new NotificationGate();
    ReadOnlyStringWrapper s = gate.string("a");
    ReadOnlyDoubleWrapper d = gate.doubleValue(1.0);
    List<String> heard = new ArrayList<>();
    List<Number> heardD = new ArrayList<>();
    s.getReadOnlyProperty().addListener((o, was, is) -> heard.add(was + ">" + is));
    d.getReadOnlyProperty().addListener((o, was, is) -> heardD.add(is));
    int[] invalidations = new int[1];
    s.getReadOnlyProperty().addListener(o -> invalidations[0]++);
    SimpleStringProperty bound = new SimpleStringProperty();
    bound.bind(s.getReadOnlyProperty());

    gate.setOpen(false);
    s.set("b");
    s.set("c");
    d.set(2.0);
    assertThat(s.get()).isEqualTo("c"); // readers see the newest value at once
    assertThat(d.get()).isEqualTo(2.0);
    assertThat(heard).isEmpty();
    assertThat(heardD).isEmpty();
    assertThat(invalidations[0]).isZero(); // a binding hears of it later (reading it reads the value)
    assertThat(gate.heldCount()).isEqualTo(2); // one per property, however often it changed

    gate.setOpen(true);
    assertThat(heard).containsExactly("a>c");
    assertThat(heardD).containsExactly(2.0);
    assertThat(invalidations[0]).isEqualTo(1);
    assertThat(bound.get()).isEqualTo("c");
    assertThat(gate.heldCount()).isZero();

    s.set("d"); // open again: at once
    assertThat(heard).containsExactly("a>c", "c>d");
  }

  @Test
  void aValueChangedAndBackWhileClosedIsNoChange() {
    NotificationGate gate = new NotificationGate();
    ReadOnlyObjectWrapper<String> o = gate.object("x");
    List<String> heard = new ArrayList<>();
    o.getReadOnlyProperty().addListener((ob, was, is) -> heard.add(is));
    gate.setOpen(false);
    o.set("y");
    o.set("x");
    gate.setOpen(true);
    assertThat(heard).isEmpty();
  }

  @Test
  void everyKindOfPropertyIsHeld() {
    NotificationGate gate = new NotificationGate();
    List<String> heard = new ArrayList<>();
    var l = gate.longValue(0);
    var i = gate.integer(0);
    var b = gate.bool(false);
    l.getReadOnlyProperty().addListener((o, was, is) -> heard.add("long " + is));
    i.getReadOnlyProperty().addListener((o, was, is) -> heard.add("int " + is));
    b.getReadOnlyProperty().addListener((o, was, is) -> heard.add("bool " + is));
    gate.setOpen(false);
    l.set(5);
    i.set(6);
    b.set(true);
    assertThat(heard).isEmpty();
    gate.setOpen(true);
    assertThat(heard).containsExactly("long 5", "int 6", "bool true"); // in the order they first changed
  }
}
