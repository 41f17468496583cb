package io.flotilla.sim.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class DatasetTest {

    private static Dataset threeRows() {
        return new Dataset(new float[] {0, 1, 10, 11, 20, 21}, new int[] {2, 0, 2}, 2, 3);
    }

    @Test
    void exposesShapeAndData() {
        Dataset d = threeRows();
        assertThat(d.size()).isEqualTo(3);
        assertThat(d.features()).isEqualTo(2);
        assertThat(d.classes()).isEqualTo(3);
        assertThat(d.x()).containsExactly(0, 1, 10, 11, 20, 21);
        assertThat(d.y()).containsExactly(2, 0, 2);
        assertThat(d.labelHistogram()).containsExactly(1, 0, 2);
    }

    @Test
    void constructorCopiesItsArguments() {
        float[] x = {1, 2};
        int[] y = {0};
        Dataset d = new Dataset(x, y, 2, 2);
        x[0] = 99;
        y[0] = 1;
        assertThat(d.x()[0]).isEqualTo(1f);
        assertThat(d.y()[0]).isZero();
    }

    @Test
    void rejectsShapeMismatchNamingTheNumbers() {
        assertThatThrownBy(() -> new Dataset(new float[5], new int[2], 3, 2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("5 values")
                .hasMessageContaining("2 samples")
                .hasMessageContaining("3 features");
    }

    @Test
    void rejectsLabelsOutOfRangeAndBadSizes() {
        assertThatThrownBy(() -> new Dataset(new float[2], new int[] {0, 3}, 1, 3))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("label 3 of sample 1");
        assertThatThrownBy(() -> new Dataset(new float[1], new int[] {-1}, 1, 3))
                .hasMessageContaining("label -1");
        assertThatThrownBy(() -> new Dataset(new float[0], new int[0], 0, 3)).hasMessageContaining("features");
        assertThatThrownBy(() -> new Dataset(new float[0], new int[0], 1, 0)).hasMessageContaining("classes");
    }

    @Test
    void emptyDatasetIsAllowed() {
        Dataset d = new Dataset(new float[0], new int[0], 4, 2);
        assertThat(d.size()).isZero();
        assertThat(d.labelHistogram()).containsExactly(0, 0);
    }

    @Test
    void subsetGathersRowsInOrder() {
        Dataset s = threeRows().subset(new int[] {2, 0, 2});
        assertThat(s.x()).containsExactly(20, 21, 0, 1, 20, 21);
        assertThat(s.y()).containsExactly(2, 2, 2);
        assertThat(s.classes()).isEqualTo(3);
        assertThatThrownBy(() -> threeRows().subset(new int[] {0, 3}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("index 3 at position 1");
    }

    @Test
    void concatAppendsInOrderAndChecksShapes() {
        Dataset a = threeRows();
        Dataset b = new Dataset(new float[] {30, 31}, new int[] {1}, 2, 3);
        Dataset c = Dataset.concat(List.of(a, b));
        assertThat(c.size()).isEqualTo(4);
        assertThat(c.x()).containsExactly(0, 1, 10, 11, 20, 21, 30, 31);
        assertThat(c.y()).containsExactly(2, 0, 2, 1);
        assertThatThrownBy(() -> Dataset.concat(List.of())).isInstanceOf(IllegalArgumentException.class);
        Dataset other = new Dataset(new float[3], new int[1], 3, 3);
        assertThatThrownBy(() -> Dataset.concat(List.of(a, other)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("data set 1 has 3 features");
    }

    @Test
    void federatedDataChecksShardsAgainstTestSet() {
        Dataset a = threeRows();
        FederatedData fd = new FederatedData(List.of(a, a), a, "two");
        assertThat(fd.participants()).isEqualTo(2);
        assertThat(fd.totalTrainSamples()).isEqualTo(6);
        Dataset other = new Dataset(new float[3], new int[1], 3, 3);
        assertThatThrownBy(() -> new FederatedData(List.of(a, other), a, "x"))
                .hasMessageContaining("participant 1");
        assertThatThrownBy(() -> new FederatedData(List.of(), a, "x")).isInstanceOf(IllegalArgumentException.class);
    }
}
