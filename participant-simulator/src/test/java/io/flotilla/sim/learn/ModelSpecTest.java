package io.flotilla.sim.learn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ModelSpecTest {

    @Test
    void parsesLogregAndMlp() {
        Model lr = Model.parse("logreg", 784, 10);
        assertThat(lr).isInstanceOf(LogisticRegression.class);
        assertThat(lr.spec()).isEqualTo("logreg");
        assertThat(lr.tensors()).containsExactly(new TensorShape("fc.weight", 10, 784), new TensorShape("fc.bias", 10));
        assertThat(lr.parameterCount()).isEqualTo(7850);

        Model mlp = Model.parse(" MLP:200 ", 784, 10);
        assertThat(mlp.spec()).isEqualTo("mlp:200");
        assertThat(((Mlp) mlp).hidden()).isEqualTo(200);
        assertThat(mlp.tensors()).containsExactly(
                new TensorShape("fc1.weight", 200, 784), new TensorShape("fc1.bias", 200),
                new TensorShape("fc2.weight", 10, 200), new TensorShape("fc2.bias", 10));
        assertThat(mlp.parameterCount()).isEqualTo(200 * 784 + 200 + 10 * 200 + 10);
        assertThat(mlp.tensors().stream().mapToInt(TensorShape::size).sum()).isEqualTo(mlp.parameterCount());
    }

    @ParameterizedTest
    @ValueSource(strings = {"mlp:x", "mlp", "mlp:", "mlp:0", "mlp:-3", "mlp:99999999999", "cnn", "logreg:2", ""})
    void rejectsBadSpecsNamingThem(String bad) {
        assertThatThrownBy(() -> Model.parse(bad, 4, 3))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("invalid --model '" + bad + "': ");
    }

    @Test
    void rejectsBadDimensions() {
        assertThatThrownBy(() -> new LogisticRegression(0, 3)).hasMessageContaining("features");
        assertThatThrownBy(() -> new Mlp(3, 4, 1)).hasMessageContaining("classes");
        assertThatThrownBy(() -> new Mlp(3, 0, 2)).hasMessageContaining("hidden");
    }

    @Test
    void initialisationIsBoundedAndBiasesStartAtZero() {
        Mlp mlp = new Mlp(100, 50, 10);
        float[] p = mlp.initialParameters(1);
        double he = Math.sqrt(6.0 / 100);
        for (int i = 0; i < 5000; i++) {
            assertThat(Math.abs(p[i])).isLessThanOrEqualTo((float) he);
        }
        for (int i = 5000; i < 5050; i++) {
            assertThat(p[i]).isZero();
        }
    }

    @Test
    void tensorShapeIsAValue() {
        int[] dims = {2, 3};
        TensorShape t = new TensorShape("w", dims);
        dims[0] = 9;
        assertThat(t.dims()).containsExactly(2, 3);
        t.dims()[1] = 7;
        assertThat(t.dims()).containsExactly(2, 3);
        assertThat(t.size()).isEqualTo(6);
        assertThat(t).isEqualTo(new TensorShape("w", 2, 3)).hasSameHashCodeAs(new TensorShape("w", 2, 3));
        assertThat(t.toString()).isEqualTo("w[2, 3]");
        assertThatThrownBy(() -> new TensorShape("w", 2, 0)).hasMessageContaining("dimension 0");
        assertThatThrownBy(() -> new TensorShape(" ", 2)).hasMessageContaining("blank");
        assertThat(List.of(t)).contains(new TensorShape("w", 2, 3));
    }

    @Test
    void trainConfigValidates() {
        assertThatThrownBy(() -> new TrainConfig(-1, 1, 0.1f, 0, 0, null)).hasMessageContaining("epochs");
        assertThatThrownBy(() -> new TrainConfig(1, 0, 0.1f, 0, 0, null)).hasMessageContaining("batchSize");
        assertThatThrownBy(() -> new TrainConfig(1, 1, 0f, 0, 0, null)).hasMessageContaining("learningRate");
        assertThatThrownBy(() -> new TrainConfig(1, 1, Float.NaN, 0, 0, null)).hasMessageContaining("learningRate");
        assertThatThrownBy(() -> new TrainConfig(1, 1, 0.1f, -1, 0, null)).hasMessageContaining("l2");
        assertThatThrownBy(() -> new TrainConfig(1, 1, 0.1f, 0, -1, null)).hasMessageContaining("mu");
        TrainConfig c = TrainConfig.sgd(2, 10, 0.1f).withL2(0.01f).withEpochs(5);
        assertThat(c.epochs()).isEqualTo(5);
        assertThat(c.l2()).isEqualTo(0.01f);
    }
}
