package io.flotilla.sim.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class SyntheticFedProxTest {

    @Test
    void hasThePapersShapeAndANinetyTenSplitPerDevice() {
        FederatedData fd = SyntheticFedProx.generate(1, 1, false, 30, 7);
        assertThat(fd.participants()).isEqualTo(30);
        assertThat(fd.test().features()).isEqualTo(60);
        assertThat(fd.test().classes()).isEqualTo(10);
        for (Dataset d : fd.participantTrain()) {
            assertThat(d.features()).isEqualTo(60);
            assertThat(d.size()).isGreaterThanOrEqualTo(45); // int(0.9 n) with n >= 50
        }
        long total = fd.totalTrainSamples() + fd.test().size();
        assertThat(total).isGreaterThanOrEqualTo(30 * 50);
        assertThat((double) fd.test().size() / total).isCloseTo(0.1, within(0.02));
        assertThat(fd.description()).contains("alpha=1.0").contains("30 devices").contains("seed 7");
    }

    @Test
    void splitIsIntOfNinetyPercentOfEachDevice() {
        FederatedData fd = SyntheticFedProx.generate(0.5, 0.5, false, 1, 3);
        int train = fd.participantTrain().get(0).size();
        int n = train + fd.test().size();
        assertThat(train).isEqualTo((int) (0.9 * n));
    }

    @Test
    void sameSeedGivesIdenticalDataAndOtherSeedsDiffer() {
        FederatedData a = SyntheticFedProx.generate(1, 1, false, 10, 11);
        FederatedData b = SyntheticFedProx.generate(1, 1, false, 10, 11);
        FederatedData c = SyntheticFedProx.generate(1, 1, false, 10, 12);
        for (int k = 0; k < 10; k++) {
            assertThat(a.participantTrain().get(k).x()).isEqualTo(b.participantTrain().get(k).x());
            assertThat(a.participantTrain().get(k).y()).isEqualTo(b.participantTrain().get(k).y());
        }
        assertThat(a.test().x()).isEqualTo(b.test().x());
        assertThat(Arrays.equals(a.participantTrain().get(0).x(), c.participantTrain().get(0).x())).isFalse();
    }

    @Test
    void iidFeaturesHaveZeroMeanAndThePowerLawVariance() {
        FederatedData fd = SyntheticFedProx.generate(0, 0, true, 30, 5);
        Dataset all = Dataset.concat(fd.participantTrain());
        for (int j : new int[] {0, 9, 59}) {
            double sum = 0;
            double sq = 0;
            for (int i = 0; i < all.size(); i++) {
                double v = all.x()[i * 60 + j];
                sum += v;
                sq += v * v;
            }
            double mean = sum / all.size();
            double var = sq / all.size() - mean * mean;
            double expected = Math.pow(j + 1, -1.2);
            assertThat(mean).isCloseTo(0, within(4 * Math.sqrt(expected / all.size())));
            assertThat(var).isCloseTo(expected, within(0.1 * expected));
        }
    }

    @Test
    void nonIidDevicesDifferInFeatureMeans() {
        // beta = 5 spreads the device means B_k widely; beta = 0 keeps v_k ~ N(0, 1)
        double spreadWide = spreadOfDeviceMeans(SyntheticFedProx.generate(0, 5, false, 30, 1));
        double spreadNarrow = spreadOfDeviceMeans(SyntheticFedProx.generate(0, 0, false, 30, 1));
        assertThat(spreadWide).isGreaterThan(3 * spreadNarrow);
    }

    private static double spreadOfDeviceMeans(FederatedData fd) {
        double[] means = new double[fd.participants()];
        for (int k = 0; k < means.length; k++) {
            Dataset d = fd.participantTrain().get(k);
            double s = 0;
            for (float v : d.x()) {
                s += v;
            }
            means[k] = s / d.x().length;
        }
        double m = Arrays.stream(means).average().orElseThrow();
        return Math.sqrt(Arrays.stream(means).map(v -> (v - m) * (v - m)).average().orElseThrow());
    }

    @Test
    void rejectsBadArguments() {
        assertThatThrownBy(() -> SyntheticFedProx.generate(-1, 0, false, 30, 1)).hasMessageContaining("alpha");
        assertThatThrownBy(() -> SyntheticFedProx.generate(0, Double.NaN, false, 30, 1)).hasMessageContaining("beta");
        assertThatThrownBy(() -> SyntheticFedProx.generate(0, 0, false, 0, 1)).hasMessageContaining("devices");
    }
}
