package io.flotilla.console.app.timeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class ViewportTest {
  private final Viewport vp = new Viewport();

  @Test
  void zoomKeepsTheTimeUnderTheMouseInPlace() {
    vp.resize(1_000, 500);
    vp.show(0, 10_000);
    double before = vp.msAt(250);
    vp.zoomAt(0.5, 250);
    assertThat(vp.msAt(250)).isCloseTo(before, within(1e-6));
    assertThat(vp.msPerPx()).isCloseTo(5, within(1e-9));
  }

  @Test
  void zoomIsBounded() {
    vp.resize(1_000, 500);
    for (int i = 0; i < 100; i++) {
      vp.zoomAt(0.5, 0);
    }
    assertThat(vp.msPerPx()).isEqualTo(Viewport.MIN_MS_PER_PX);
    for (int i = 0; i < 100; i++) {
      vp.zoomAt(2, 0);
    }
    assertThat(vp.msPerPx()).isEqualTo(Viewport.MAX_MS_PER_PX);
  }

  @Test
  void followingPinsTheRightEdgeToTheNewestEventAndPanningBackStopsIt() {
    vp.resize(1_000, 500);
    assertThat(vp.following()).isTrue();
    vp.clampTo(0, 100_000);
    assertThat(vp.endMs()).isCloseTo(100_000 + Viewport.LIVE_MARGIN_PX * vp.msPerPx(), within(1e-6));

    vp.panPx(300); // drag the content right: into the past
    assertThat(vp.following()).isFalse();
    vp.clampTo(0, 120_000);
    assertThat(vp.endMs()).isLessThan(120_000);

    vp.panPx(-100_000); // drag far into the future: back to live
    vp.clampTo(0, 120_000);
    assertThat(vp.following()).isTrue();
    assertThat(vp.endMs()).isCloseTo(120_000 + Viewport.LIVE_MARGIN_PX * vp.msPerPx(), within(1e-6));
  }

  @Test
  void showingARangeStopsFollowingAndTheWindowStaysNearTheData() {
    vp.resize(1_000, 500);
    vp.show(5_000, 6_000);
    assertThat(vp.following()).isFalse();
    assertThat(vp.startMs()).isCloseTo(5_000, within(1e-6));
    vp.panPx(1e9);
    vp.clampTo(5_000, 50_000);
    assertThat(vp.endMs()).isGreaterThanOrEqualTo(5_000);
  }

  @Test
  void laneScrollingStaysInsideTheContent() {
    vp.resize(800, 400);
    vp.scrollLanes(10_000, 1_600);
    assertThat(vp.laneScrollPx()).isEqualTo(1_200);
    vp.scrollLanes(-99_999, 1_600);
    assertThat(vp.laneScrollPx()).isZero();
    vp.laneScrollTo(500, 300); // content smaller than the view: nothing to scroll
    assertThat(vp.laneScrollPx()).isZero();
  }
}
