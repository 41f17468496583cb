package io.flotilla.sim.learn;

import static org.assertj.core.api.Assertions.assertThat;

import io.flotilla.sim.data.Dataset;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Guards against gross slow-downs of local training at Fashion-MNIST scale (6,000 samples of 784 features,
 * about half of them zero, batch 10). The bounds are several times the measured figures so that a busy CI
 * machine does not fail the build; the figures are printed for the record.
 */
class TrainingSpeedTest {

    private static Dataset fashionSized() {
        SplittableRandom rng = new SplittableRandom(1);
        int n = 6000;
        float[] x = new float[n * 784];
        int[] y = new int[n];
        for (int i = 0; i < x.length; i++) {
            x[i] = rng.nextBoolean() ? 0f : (float) rng.nextDouble();
        }
        for (int i = 0; i < n; i++) {
            y[i] = rng.nextInt(10);
        }
        return new Dataset(x, y, 784, 10);
    }

    private static double medianEpochMillis(Model model, Dataset data, int warmups, int runs) {
        float[] p = model.initialParameters(1);
        TrainConfig cfg = TrainConfig.sgd(1, 10, 0.01f);
        for (int i = 0; i < warmups; i++) {
            p = model.train(p, data, cfg, i).params();
        }
        double[] ms = new double[runs];
        for (int i = 0; i < runs; i++) {
            long t0 = System.nanoTime();
            p = model.train(p, data, cfg, 100 + i).params();
            ms[i] = (System.nanoTime() - t0) / 1e6;
        }
        Arrays.sort(ms);
        return ms[runs / 2];
    }

    @Test
    void oneEpochAtFashionMnistScaleIsFast() {
        Dataset data = fashionSized();
        double logreg = medianEpochMillis(new LogisticRegression(784, 10), data, 8, 5);
        double mlp = medianEpochMillis(new Mlp(784, 200, 10), data, 3, 3);
        System.out.printf("epoch of 6000×784, batch 10: logreg %.1f ms, mlp:200 %.1f ms%n", logreg, mlp);
        assertThat(logreg).isLessThan(250);
        assertThat(mlp).isLessThan(1500);
    }
}
