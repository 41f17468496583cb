package io.flotilla.engine.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ModelStateTest {
  static final ParameterLayout L = new ParameterLayout(List.of(new TensorSpec("a.weight", 2, 3), new TensorSpec("a.bias", 3)));

  @Test
  void layoutOffsetsAndSize() {
    assertThat(L.size()).isEqualTo(9);
    assertThat(L.offset("a.bias")).isEqualTo(6);
    assertThat(L.canonical()).isEqualTo("a.weight[2,3];a.bias[3]");
    assertThatThrownBy(() -> L.offset("nope")).hasMessageContaining("nope");
    assertThatThrownBy(() -> ParameterLayout.of(new TensorSpec("x", 1), new TensorSpec("x", 2)))
        .hasMessageContaining("duplicate");
    assertThatThrownBy(() -> new TensorSpec("x", 0)).hasMessageContaining("x");
  }

  @Test
  void hashIsIdentityOfBitsNotOfVersion() {
    float[] p = {1, 2, 3, 4, 5, 6, 7, 8, 9};
    ModelState a = ModelState.of(L, p, 1);
    ModelState b = ModelState.of(L, p.clone(), 7);
    assertThat(a.sha256()).isEqualTo(b.sha256()).hasSize(64);
    p[0] = Math.nextUp(1f);
    assertThat(ModelState.of(L, p, 1).sha256()).isNotEqualTo(a.sha256());
    // -0.0 and 0.0 differ in bits, so they differ in identity
    float[] z = new float[9];
    float[] nz = new float[9];
    nz[3] = -0f;
    assertThat(ModelState.of(L, z, 0).sha256()).isNotEqualTo(ModelState.of(L, nz, 0).sha256());
  }

  @Test
  void copyRangeCopiesAChunkAndNamesARangeOutsideTheModel() {
    ModelState m = ModelState.of(L, new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9}, 0);
    float[] dst = new float[5];
    m.copyRange(6, dst, 1, 3);
    assertThat(dst).containsExactly(0, 7, 8, 9, 0);
    assertThatThrownBy(() -> m.copyRange(7, dst, 0, 3)).isInstanceOf(IndexOutOfBoundsException.class)
        .hasMessageContaining("[7, 10)").hasMessageContaining("9");
    assertThatThrownBy(() -> m.copyRange(-1, dst, 0, 1)).isInstanceOf(IndexOutOfBoundsException.class);
    assertThat(m.copyParameters()).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9);
  }

  @Test
  void defensiveCopies() {
    float[] p = new float[9];
    ModelState a = ModelState.of(L, p, 0);
    p[0] = 42;
    assertThat(a.get(0)).isZero();
    a.copyParameters()[1] = 5;
    assertThat(a.get(1)).isZero();
    assertThatThrownBy(() -> ModelState.of(L, new float[8], 0)).hasMessageContaining("8");
  }
}
