package io.flotilla.sim.adversary;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flotilla.sim.data.Dataset;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AdversaryPlanTest {
  @Test
  void parsesKindsFractionsAndParameters() {
    AdversaryPlan p = AdversaryPlan.parse("sign-flip:0.2,scaling:0.1:5,free-rider:0.1");
    assertThat(p.entries()).extracting(AdversaryPlan.Entry::kind)
        .containsExactly(AdversaryKind.SIGN_FLIP, AdversaryKind.SCALING, AdversaryKind.FREE_RIDER);
    assertThat(p.entries().get(0).parameter()).isEqualTo(4.0);
    assertThat(p.entries().get(1).parameter()).isEqualTo(5.0);
    assertThat(AdversaryPlan.parse("none").isEmpty()).isTrue();
    assertThat(p.toString()).isEqualTo("sign-flip:0.2,scaling:0.1:5.0,free-rider:0.1");
  }

  @Test
  void badValuesNameTheFlag() {
    assertThatThrownBy(() -> AdversaryPlan.parse("sign-flop:0.3")).hasMessageContaining("--adversaries")
        .hasMessageContaining("sign-flop");
    assertThatThrownBy(() -> AdversaryPlan.parse("sign-flip:1.5")).hasMessageContaining("FRACTION");
    assertThatThrownBy(() -> AdversaryPlan.parse("sign-flip")).hasMessageContaining("KIND:FRACTION");
    assertThatThrownBy(() -> AdversaryPlan.parse("label-flip:0.1:3")).hasMessageContaining("takes no parameter");
    assertThatThrownBy(() -> AdversaryPlan.parse("sign-flip:0.6,noise:0.6")).hasMessageContaining("more than 1");
  }

  @Test
  void assignmentIsDeterministicDisjointAndSized() {
    AdversaryPlan p = AdversaryPlan.parse("sign-flip:0.3,label-flip:0.2");
    Map<Integer, Adversary> a = p.assign(10, 7);
    assertThat(a).hasSize(5);
    assertThat(a.values().stream().filter(x -> x.kind() == AdversaryKind.SIGN_FLIP)).hasSize(3);
    assertThat(p.assign(10, 7)).isEqualTo(a);
    assertThat(p.assign(10, 8)).isNotEqualTo(a);
  }

  @Test
  void attacksChangeDeltasAndLabelsAsDocumented() {
    assertThat(new Adversary(AdversaryKind.SIGN_FLIP, 4).tamper(new float[] {1, -2}, 0)).containsExactly(-4, 8);
    assertThat(new Adversary(AdversaryKind.SCALING, 10).tamper(new float[] {1, -2}, 0)).containsExactly(10, -20);
    assertThat(new Adversary(AdversaryKind.FREE_RIDER, Double.NaN).tamper(new float[] {1, -2}, 0))
        .containsExactly(0, 0);
    float[] noisy = new Adversary(AdversaryKind.NOISE, 0.1).tamper(new float[1000], 3);
    double ss = 0;
    for (float v : noisy) {
      ss += v * v;
    }
    assertThat(Math.sqrt(ss / 1000)).isBetween(0.09, 0.11);
    assertThat(new Adversary(AdversaryKind.NOISE, 0.1).tamper(new float[1000], 3)).isEqualTo(noisy);
    Dataset d = new Dataset(new float[] {1, 2, 3}, new int[] {0, 1, 2}, 1, 3);
    assertThat(new Adversary(AdversaryKind.LABEL_FLIP, Double.NaN).trainingData(d).y()).containsExactly(2, 1, 0);
    assertThat(new Adversary(AdversaryKind.SIGN_FLIP, 1).trainingData(d)).isSameAs(d);
  }
}
