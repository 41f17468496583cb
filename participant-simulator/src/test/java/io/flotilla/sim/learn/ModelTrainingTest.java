package io.flotilla.sim.learn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.flotilla.sim.data.Dataset;
import io.flotilla.sim.data.FederatedData;
import io.flotilla.sim.data.SyntheticFedProx;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.ejml.data.FMatrixRMaj;
import org.ejml.dense.row.CommonOps_FDRM;
import org.junit.jupiter.api.Test;

class ModelTrainingTest {

    /** Four Gaussian blobs at (±1, ±1), label 1 where the signs agree: not linearly separable. */
    static Dataset xor(int n, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[] x = new float[2 * n];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            int sx = rng.nextBoolean() ? 1 : -1;
            int sy = rng.nextBoolean() ? 1 : -1;
            x[2 * i] = (float) (sx + 0.3 * (rng.nextDouble() - 0.5));
            x[2 * i + 1] = (float) (sy + 0.3 * (rng.nextDouble() - 0.5));
            y[i] = sx == sy ? 1 : 0;
        }
        return new Dataset(x, y, 2, 2);
    }

    @Test
    void logisticRegressionLearnsSyntheticZeroZeroCentrally() {
        FederatedData fd = SyntheticFedProx.generate(0, 0, false, 30, 1);
        Dataset train = Dataset.concat(fd.participantTrain());
        Model model = new LogisticRegression(60, 10);
        // the FedProx authors' local solver settings: lr 0.01, batch 10, L2 0.001
        TrainResult r = model.train(model.initialParameters(1), train, new TrainConfig(20, 10, 0.01f, 0.001f, 0, null), 1);
        assertThat(r.epochsCompleted()).isEqualTo(20);
        assertThat(r.meanLoss()).isFinite();
        Evaluation e = model.evaluate(r.params(), fd.test());
        assertThat(e.samples()).isEqualTo(fd.test().size());
        assertThat(e.accuracy()).isGreaterThan(0.75);
        assertThat(model.evaluate(model.initialParameters(1), fd.test()).loss()).isGreaterThan(e.loss());
    }

    @Test
    void mlpLearnsXorWhereLogisticRegressionCannot() {
        Dataset train = xor(400, 1);
        Dataset test = xor(200, 2);
        TrainConfig cfg = TrainConfig.sgd(40, 10, 0.1f);
        Model mlp = new Mlp(2, 16, 2);
        Model linear = new LogisticRegression(2, 2);
        double mlpAcc = mlp.evaluate(mlp.train(mlp.initialParameters(3), train, cfg, 3).params(), test).accuracy();
        double linAcc = linear.evaluate(linear.train(linear.initialParameters(3), train, cfg, 3).params(), test).accuracy();
        assertThat(mlpAcc).isGreaterThan(0.95);
        assertThat(linAcc).isLessThan(0.75);
    }

    private static double distance(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (a[i] - b[i]) * (double) (a[i] - b[i]);
        }
        return Math.sqrt(s);
    }

    @Test
    void largeProximalTermKeepsParametersNearTheCenter() {
        Dataset train = GradientCheckTest.randomData(300, 8, 4, 5);
        for (Model model : new Model[] {new LogisticRegression(8, 4), new Mlp(8, 40, 4)}) {
            float[] global = model.initialParameters(9);
            TrainConfig plain = TrainConfig.sgd(5, 10, 0.05f);
            double free = distance(model.train(global, train, plain, 1).params(), global);
            double held = distance(model.train(global, train, plain.withProximal(30f, global), 1).params(), global);
            assertThat(held).isLessThan(0.1 * free);
            // mu = 0 ignores the center entirely
            assertThat(model.train(global, train, plain.withProximal(0f, global), 1).params())
                    .isEqualTo(model.train(global, train, plain, 1).params());
        }
    }

    @Test
    void trainingIsBitIdenticalForTheSameSeedAndDiffersForAnother() {
        Dataset train = GradientCheckTest.randomData(123, 50, 5, 6);
        for (Model model : new Model[] {new LogisticRegression(50, 5), new Mlp(50, 64, 5)}) {
            float[] start = model.initialParameters(4);
            assertThat(model.initialParameters(4)).isEqualTo(start);
            assertThat(model.initialParameters(5)).isNotEqualTo(start);
            TrainConfig cfg = new TrainConfig(3, 16, 0.05f, 0.001f, 0.1f, model.initialParameters(8));
            float[] startCopy = start.clone();
            TrainResult a = model.train(start, train, cfg, 11);
            TrainResult b = model.train(start, train, cfg, 11);
            TrainResult c = model.train(start, train, cfg, 12);
            assertThat(start).as("start is not mutated").isEqualTo(startCopy);
            assertThat(a.params()).isEqualTo(b.params());
            assertThat(Double.doubleToRawLongBits(a.meanLoss())).isEqualTo(Double.doubleToRawLongBits(b.meanLoss()));
            assertThat(Arrays.equals(a.params(), c.params())).isFalse();
            assertThat(model.evaluate(a.params(), train)).isEqualTo(model.evaluate(b.params(), train));
        }
    }

    @Test
    void nanGuardStopsAndReportsNaN() {
        Dataset train = GradientCheckTest.randomData(50, 4, 3, 1);
        Model model = new LogisticRegression(4, 3);
        float[] poisoned = model.initialParameters(1);
        poisoned[0] = Float.NaN;
        TrainConfig cfg = TrainConfig.sgd(3, 10, 0.1f);
        TrainResult r = model.train(poisoned, train, cfg, 1);
        assertThat(r.meanLoss()).isNaN();
        assertThat(r.epochsCompleted()).isZero();
        assertThat(r.diverged(cfg)).isTrue();

        // huge inputs and step: the weights overflow after a step or two and the logits become infinite
        float[] big = train.x().clone();
        Arrays.fill(big, 1e19f);
        Dataset huge = new Dataset(big, train.y(), 4, 3);
        TrainConfig explosive = TrainConfig.sgd(5, 10, 1e19f);
        TrainResult boom = model.train(model.initialParameters(1), huge, explosive, 1);
        assertThat(boom.meanLoss()).isNaN();
        assertThat(boom.epochsCompleted()).isLessThan(5);
        assertThat(boom.diverged(explosive)).isTrue();

        TrainResult fine = model.train(model.initialParameters(1), train, cfg, 1);
        assertThat(fine.diverged(cfg)).isFalse();
    }

    @Test
    void emptyDataOrZeroEpochsReturnTheStartUnchanged() {
        Model model = new LogisticRegression(4, 3);
        float[] start = model.initialParameters(1);
        TrainResult empty = model.train(start, new Dataset(new float[0], new int[0], 4, 3), TrainConfig.sgd(2, 10, 0.1f), 1);
        assertThat(empty.params()).isEqualTo(start).isNotSameAs(start);
        assertThat(empty.meanLoss()).isNaN();
        assertThat(empty.diverged(TrainConfig.sgd(2, 10, 0.1f))).isFalse();
        Evaluation none = model.evaluate(start, new Dataset(new float[0], new int[0], 4, 3));
        assertThat(none.samples()).isZero();
        TrainResult zero = model.train(start, GradientCheckTest.randomData(5, 4, 3, 1), TrainConfig.sgd(0, 10, 0.1f), 1);
        assertThat(zero.params()).isEqualTo(start);
    }

    @Test
    void batchLargerThanDataAndPartialLastBatchWork() {
        Dataset train = GradientCheckTest.randomData(25, 4, 3, 1);
        Model model = new Mlp(4, 6, 3);
        TrainResult big = model.train(model.initialParameters(1), train, TrainConfig.sgd(2, 100, 0.1f), 1);
        TrainResult partial = model.train(model.initialParameters(1), train, TrainConfig.sgd(2, 10, 0.1f), 1);
        assertThat(big.meanLoss()).isFinite();
        assertThat(partial.meanLoss()).isFinite();
        // one full-batch step equals plain gradient descent on the objective
        float[] p = model.initialParameters(1);
        float[] g = new float[p.length];
        ((DenseNetwork) model).objective(p, train, 0, 0, null, g);
        float[] expected = p.clone();
        for (int i = 0; i < p.length; i++) {
            expected[i] -= 0.1f * g[i];
        }
        float[] oneStep = model.train(p, train, TrainConfig.sgd(1, 25, 0.1f), 1).params();
        for (int i = 0; i < p.length; i++) {
            assertThat(oneStep[i]).isCloseTo(expected[i], within(1e-5f));
        }
    }

    /** EJML as the oracle: logits {@code X·Wᵀ + b} from CommonOps_FDRM give the same mean loss. */
    @Test
    void evaluationAgreesWithAnEjmlReference() {
        Dataset data = GradientCheckTest.randomData(300, 20, 7, 2);
        LogisticRegression model = new LogisticRegression(20, 7);
        float[] p = model.initialParameters(3);
        FMatrixRMaj x = FMatrixRMaj.wrap(300, 20, data.x().clone());
        FMatrixRMaj w = FMatrixRMaj.wrap(7, 20, Arrays.copyOfRange(p, 0, 140));
        FMatrixRMaj z = new FMatrixRMaj(300, 7);
        CommonOps_FDRM.multTransB(x, w, z);
        double loss = 0;
        int correct = 0;
        for (int r = 0; r < 300; r++) {
            double max = Double.NEGATIVE_INFINITY;
            int best = 0;
            for (int c = 0; c < 7; c++) {
                double v = z.get(r, c) + p[140 + c];
                if (v > max) {
                    max = v;
                    best = c;
                }
            }
            double s = 0;
            for (int c = 0; c < 7; c++) {
                s += Math.exp(z.get(r, c) + p[140 + c] - max);
            }
            loss += Math.log(s) + max - (z.get(r, data.y()[r]) + p[140 + data.y()[r]]);
            correct += best == data.y()[r] ? 1 : 0;
        }
        Evaluation e = model.evaluate(p, data);
        assertThat(e.loss()).isCloseTo(loss / 300, within(1e-5));
        assertThat(e.accuracy()).isEqualTo(correct / 300.0);
    }

    @Test
    void rejectsMismatchedShapes() {
        Model model = new LogisticRegression(4, 3);
        Dataset data = GradientCheckTest.randomData(5, 4, 3, 1);
        assertThatThrownBy(() -> model.train(new float[3], data, TrainConfig.sgd(1, 1, 0.1f), 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("15 parameters");
        assertThatThrownBy(() -> model.evaluate(model.initialParameters(1), GradientCheckTest.randomData(5, 6, 3, 1)))
                .hasMessageContaining("6 features");
        assertThatThrownBy(() -> model.train(model.initialParameters(1), data,
                        TrainConfig.sgd(1, 1, 0.1f).withProximal(1f, new float[2]), 1))
                .hasMessageContaining("proximalCenter");
    }
}
