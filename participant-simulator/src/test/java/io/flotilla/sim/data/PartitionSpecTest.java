package io.flotilla.sim.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PartitionSpecTest {

    @Test
    void parsesEveryForm() {
        assertThat(PartitionSpec.parse("natural")).isEqualTo(new PartitionSpec.Natural());
        assertThat(PartitionSpec.parse(" IID ")).isEqualTo(new PartitionSpec.Iid());
        assertThat(PartitionSpec.parse("dirichlet:0.5")).isEqualTo(new PartitionSpec.Dirichlet(0.5));
        assertThat(PartitionSpec.parse("dirichlet:1e-1")).isEqualTo(new PartitionSpec.Dirichlet(0.1));
        assertThat(PartitionSpec.parse("dirichlet:100")).isEqualTo(new PartitionSpec.Dirichlet(100));
        assertThat(PartitionSpec.parse("shards:2")).isEqualTo(new PartitionSpec.Shards(2));
        assertThat(PartitionSpec.parse("dirichlet:0.5").toString()).isEqualTo("dirichlet:0.5");
        assertThat(PartitionSpec.parse("shards:3").toString()).isEqualTo("shards:3");
    }

    @ParameterizedTest
    @ValueSource(strings = {"dirichlet:x", "dirichlet:", "dirichlet", "dirichlet:0", "dirichlet:-1",
        "dirichlet:NaN", "dirichlet:Infinity", "dirichlet:1e999", "dirichlet:0x1p3", "shards:0", "shards:two",
        "shards:1.5", "shards:99999999999", "iid:3", "natural:1", "label", ""})
    void rejectsBadValuesNamingThem(String bad) {
        assertThatThrownBy(() -> PartitionSpec.parse(bad))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("invalid --partition '" + bad + "': ");
    }

    @Test
    void rejectsNull() {
        assertThatThrownBy(() -> PartitionSpec.parse(null)).hasMessageContaining("--partition");
    }

    @Test
    void partitionDispatchesToThePartitioner() {
        int[] labels = new int[200];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = i % 10;
        }
        assertThat(PartitionSpec.parse("iid").partition(labels, 10, 4, 1)).isDeepEqualTo(Partitioner.iid(200, 4, 1));
        assertThat(PartitionSpec.parse("dirichlet:1").partition(labels, 10, 4, 1))
                .isDeepEqualTo(Partitioner.dirichlet(labels, 10, 4, 1, 1));
        assertThat(PartitionSpec.parse("shards:2").partition(labels, 10, 4, 1))
                .isDeepEqualTo(Partitioner.shards(labels, 10, 4, 2, 1));
        assertThatThrownBy(() -> new PartitionSpec.Natural().partition(labels, 10, 4, 1))
                .isInstanceOf(UnsupportedOperationException.class);
    }
}
