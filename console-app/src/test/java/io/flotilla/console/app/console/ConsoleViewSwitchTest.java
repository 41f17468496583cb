package io.flotilla.console.app.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.flotilla.console.app.FxStageTest;
import io.flotilla.console.app.session.SessionInfo;
import io.flotilla.sim.inprocess.SimulationConfig;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.control.Label;
import javafx.scene.layout.StackPane;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxToolkit;

/**
 * A page switch in the shown window takes two pulses: the new page first joins the scene hidden, behind
 * the page on screen (its CSS and layout), and replaces it in the next pulse (its painting). Kept pages stay
 * in the scene, parked, and come back in two pulses too: parked for the first (taking in what they held).
 */
class ConsoleViewSwitchTest extends FxStageTest {
  private final Map<Page, Node> pages = new EnumMap<>(Page.class);
  private ConsoleViewModel vm;
  private ConsoleView view;

  private StackPane holder() {
    return (StackPane) view.node().lookup(".page-holder");
  }

  private void open() throws Exception {
    open(v -> {});
  }

  /** Opens the console with three label pages; {@code setup} runs before the window shows. */
  private void open(java.util.function.Consumer<ConsoleView> setup) throws Exception {
    Stage stage = FxToolkit.registerPrimaryStage();
    SessionInfo planned = SessionInfo.planned(SimulationConfig.builder()
        .dataset("synthetic:0,0").participants(6).perRound(3).rounds(8).build());
    fx(() -> {
      vm = new ConsoleViewModel(Runnable::run, Runnable::run, Duration.ZERO, Clock.systemUTC(), planned);
      for (Page p : List.of(Page.OVERVIEW, Page.TIMELINE, Page.PARTICIPANTS)) {
        Label l = new Label(p.name());
        l.setId("page" + p.name());
        pages.put(p, l);
      }
      view = new ConsoleView(vm, pages, new DetailDrawer(), ConsoleView.Theme.LIGHT);
      setup.accept(view);
      stage.setScene(new Scene(view.node(), 900, 600));
      stage.show();
      return null;
    });
    await().atMost(Duration.ofSeconds(10)).until(() -> fx(() -> !view.warming() && !view.switching()));
  }

  @Test
  void aPrimerFillsItsPageForItsWarmUpPulseOnlyAndNotThePageOnScreen() throws Exception {
    List<String> log = new java.util.ArrayList<>();
    open(v -> {
      v.warmUpPages(java.util.EnumSet.allOf(Page.class));
      v.keepInScene(java.util.EnumSet.allOf(Page.class));
      for (Page p : List.of(Page.OVERVIEW, Page.TIMELINE, Page.PARTICIPANTS)) {
        v.primeWhileWarming(p, () -> {
          log.add("prime " + p + (pages.get(p).getScene() == null ? ", not in the scene yet" : ""));
          return () -> log.add("unprime " + p + (pages.get(p).getScene() == null ? "" : ", after its pulse"));
        });
      }
    });
    Page onScreen = fx(() -> vm.pageProperty().get());
    List<String> expected = new java.util.ArrayList<>();
    for (Page p : List.of(Page.OVERVIEW, Page.TIMELINE, Page.PARTICIPANTS)) {
      if (p != onScreen) {
        expected.add("prime " + p + ", not in the scene yet");
        expected.add("unprime " + p + ", after its pulse");
      }
    }
    assertThat(fx(() -> List.copyOf(log))).containsExactlyElementsOf(expected);
    // kept pages are not warmed (nor primed) again
    fx(() -> {
      view.warmUp();
      return null;
    });
    await().atMost(Duration.ofSeconds(5)).until(() -> fx(() -> !view.warming()));
    assertThat(fx(() -> List.copyOf(log))).containsExactlyElementsOf(expected);
  }

  @Test
  void theNewPageJoinsHiddenBehindTheOldOneAndReplacesItAPulseLater() throws Exception {
    open();
    Page first = fx(() -> vm.pageProperty().get());
    Page next = first == Page.TIMELINE ? Page.PARTICIPANTS : Page.TIMELINE;
    fx(() -> {
      vm.show(next);
      // the switch has begun: the new page is in the scene, not shown; the old one is still on screen
      assertThat(view.switching()).isTrue();
      assertThat(holder().getChildren()).containsExactly(pages.get(next), pages.get(first));
      assertThat(pages.get(next).isVisible()).isFalse();
      assertThat(pages.get(next).getClip()).as("clipped to nothing: its changes dirty nothing drawn").isNotNull();
      assertThat(pages.get(first).isVisible()).isTrue();
      return null;
    });
    await().atMost(Duration.ofSeconds(5)).until(() -> fx(() -> !view.switching()));
    fx(() -> {
      assertThat(holder().getChildren()).containsExactly(pages.get(next));
      assertThat(pages.get(next).isVisible()).isTrue();
      assertThat(pages.get(next).getClip()).isNull();
      assertThat(pages.get(next).getScene()).isNotNull();
      assertThat(pages.get(first).getScene()).isNull();
      return null;
    });
  }

  @Test
  void switchesAskedForFasterThanPulsesEndOnTheLastPageAlone() throws Exception {
    open();
    fx(() -> {
      vm.show(Page.TIMELINE);
      vm.show(Page.PARTICIPANTS);
      vm.show(Page.OVERVIEW);
      vm.show(Page.PARTICIPANTS);
      return null;
    });
    await().atMost(Duration.ofSeconds(5)).until(() -> fx(() -> !view.switching()));
    fx(() -> {
      assertThat(vm.pageProperty().get()).isEqualTo(Page.PARTICIPANTS);
      assertThat(holder().getChildren()).containsExactly(pages.get(Page.PARTICIPANTS));
      assertThat(pages.get(Page.PARTICIPANTS).isVisible()).isTrue();
      for (Page p : List.of(Page.OVERVIEW, Page.TIMELINE)) {
        assertThat(pages.get(p).getScene()).as(p.name()).isNull();
      }
      return null;
    });
  }

  @Test
  void keptPagesStayInTheSceneParkedAndComeBackInTwoPulses() throws Exception {
    open();
    fx(() -> {
      view.keepInScene(java.util.EnumSet.allOf(Page.class));
      return null;
    });
    Page first = fx(() -> vm.pageProperty().get());
    Page next = first == Page.TIMELINE ? Page.PARTICIPANTS : Page.TIMELINE;
    fx(() -> {
      vm.show(next);
      return null;
    });
    await().atMost(Duration.ofSeconds(5)).until(() -> fx(() -> !view.switching()));
    fx(() -> {
      // the old page keeps its styles: still in the scene, parked (invisible, clipped to nothing)
      assertThat(holder().getChildren()).contains(pages.get(first), pages.get(next));
      assertThat(pages.get(first).getScene()).isNotNull();
      assertThat(pages.get(first).isVisible()).isFalse();
      assertThat(pages.get(first).getClip()).isNotNull();
      assertThat(pages.get(next).isVisible()).isTrue();
      assertThat(pages.get(next).getClip()).isNull();
      // back to a page in the scene: it takes in what it held for a pulse, still parked, then replaces
      vm.show(first);
      assertThat(view.switching()).isTrue();
      assertThat(pages.get(first).isVisible()).isFalse();
      assertThat(pages.get(next).isVisible()).isTrue();
      return null;
    });
    await().atMost(Duration.ofSeconds(5)).until(() -> fx(() -> !view.switching()));
    fx(() -> {
      assertThat(pages.get(first).isVisible()).isTrue();
      assertThat(pages.get(first).getClip()).isNull();
      assertThat(pages.get(next).isVisible()).isFalse();
      // asking for the page on screen changes nothing
      vm.show(next);
      vm.show(first);
      return null;
    });
    await().atMost(Duration.ofSeconds(5)).until(() -> fx(() -> !view.switching()));
    fx(() -> {
      assertThat(holder().getChildren().filtered(Node::isVisible)).containsExactly(pages.get(first));
      // switches faster than pulses leave exactly one page shown
      vm.show(Page.OVERVIEW);
      vm.show(Page.PARTICIPANTS);
      vm.show(Page.TIMELINE);
      return null;
    });
    await().atMost(Duration.ofSeconds(5)).until(() -> fx(() -> !view.switching()));
    fx(() -> {
      assertThat(holder().getChildren().filtered(Node::isVisible)).containsExactly(pages.get(Page.TIMELINE));
      assertThat(holder().getChildren()).hasSize(3);
      // a parked page does not size the holder: a wide one would push the top bar out of the window
      ((Label) pages.get(Page.PARTICIPANTS)).setMinWidth(5_000);
      holder().requestLayout();
      assertThat(holder().minWidth(-1)).isLessThan(1_000);
      vm.show(Page.PARTICIPANTS);
      return null;
    });
    await().atMost(Duration.ofSeconds(5)).until(() -> fx(() -> !view.switching()));
    fx(() -> {
      assertThat(holder().minWidth(-1)).isGreaterThanOrEqualTo(5_000);
      return null;
    });
  }
}
