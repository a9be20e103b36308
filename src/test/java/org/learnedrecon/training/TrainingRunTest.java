package org.learnedrecon.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.learnedrecon.learned.LearnedGradientDescent;
import org.learnedrecon.learned.LearnedPrimalDual;
import org.learnedrecon.learned.MaskedFourierOperator;
import org.learnedrecon.learned.RandomSparseOperator;
import org.learnedrecon.learned.SeededInitializer;
import org.learnedrecon.learned.TestImages;
import org.learnedrecon.models.LearnedModel;
import org.learnedrecon.physics.MatrixOperator;
import org.learnedrecon.physics.noise.GaussianRelativeNoise;
import org.learnedrecon.solvers.ProgressMonitor;
import org.learnedrecon.solvers.classical.ScaledAdjointReconstruction;

/** Tiny training runs on a sparse test operator: learning happens, and a resumed run equals an uninterrupted one. */
class TrainingRunTest {

    private static NDManager manager;
    private static MatrixOperator operator;
    private static double norm;
    private static final ImageSliceDataset TRAIN = TestImages.ellipses(32, 16, 11);
    private static final ImageSliceDataset VALIDATION = TestImages.ellipses(8, 16, 12);

    @TempDir
    Path temporary;

    @BeforeAll
    static void setUp() {
        manager = NDManager.newBaseManager();
        operator = RandomSparseOperator.create(manager, 16, 16, 6, 23, 16, 3);
        norm = operator.normEstimate(manager, 30);
    }

    @AfterAll
    static void tearDown() {
        manager.close();
    }

    private static MeasurementTask task() {
        return new MeasurementTask(operator, new GaussianRelativeNoise(0.01), new ScaledAdjointReconstruction());
    }

    private static Block lgd() {
        return new LearnedGradientDescent(operator, norm, 3, 12, 3);
    }

    @Test
    void learnedGradientDescentLearnsAndBeatsInitialReconstruction() throws Exception {
        try (NDManager model = manager.newSubManager()) {
            TrainingConfig config = new TrainingConfig().epochs(5).batchSize(4).learningRate(3e-3).seed(5);
            List<Double> curve = new ArrayList<>();
            TrainingResult result = new TrainingRun(lgd(), task(), TRAIN, VALIDATION, config)
                .run(model, new TrainingListener() {
                    @Override
                    public void stepFinished(int epoch, int step, int steps, double loss) {
                        curve.add(loss);
                    }
                }, ProgressMonitor.NONE);
            assertEquals(5 * 8, curve.size());
            assertEquals(curve, result.stepLosses);
            double first = result.epochs.get(0).trainingLoss;
            double last = result.last().trainingLoss;
            System.out.printf("LGD tiny: loss %.4g -> %.4g, PSNR %.2f dB (initial %.2f dB), %.1f s%n", first, last,
                result.last().validationPsnr, result.baselinePsnr, result.trainingSeconds);
            assertTrue(last < 0.5 * first, "loss fell only from " + first + " to " + last);
            assertTrue(result.last().validationPsnr > result.baselinePsnr + 3,
                "validation PSNR " + result.last().validationPsnr + " vs initial " + result.baselinePsnr);
        }
    }

    @Test
    void learnedPrimalDualLearnsOnComplexMriLikeData() throws Exception {
        try (NDManager model = manager.newSubManager()) {
            MaskedFourierOperator mri = new MaskedFourierOperator(model, 16, 16, 0.25, 6);
            // ||A|| = 1, so the scaled adjoint is the zero-filled reconstruction.
            MeasurementTask zeroFilled = new MeasurementTask(mri, new GaussianRelativeNoise(0.01),
                new ScaledAdjointReconstruction());
            TrainingResult result = new TrainingRun(new LearnedPrimalDual(mri, 1.0, 3, 12, 3, 3, 3), zeroFilled,
                TRAIN, VALIDATION, new TrainingConfig().epochs(8).batchSize(4).learningRate(2e-3).seed(8))
                .run(model, TrainingListener.NONE, ProgressMonitor.NONE);
            System.out.printf("LPD MRI tiny: loss %.4g -> %.4g, PSNR %.2f dB (zero-filled %.2f dB)%n",
                result.epochs.get(0).trainingLoss, result.last().trainingLoss, result.last().validationPsnr,
                result.baselinePsnr);
            assertTrue(result.last().trainingLoss < 0.7 * result.epochs.get(0).trainingLoss);
            assertTrue(result.last().validationPsnr > result.baselinePsnr + 1,
                "validation PSNR " + result.last().validationPsnr + " vs zero-filled " + result.baselinePsnr);
        }
    }

    @Test
    void resumedRunEqualsUninterruptedRun() throws Exception {
        TrainingConfig straight = new TrainingConfig().epochs(3).batchSize(4).learningRate(1e-3).seed(9)
            .checkpointDirectory(temporary.resolve("straight"));
        TrainingConfig interrupted = new TrainingConfig().epochs(3).batchSize(4).learningRate(1e-3).seed(9)
            .checkpointDirectory(temporary.resolve("interrupted"));
        try (NDManager a = manager.newSubManager(); NDManager b = manager.newSubManager();
            NDManager c = manager.newSubManager()) {
            Block reference = new LearnedPrimalDual(operator, norm, 2, 8, 3, 2, 2);
            TrainingResult expected = new TrainingRun(reference, task(), TRAIN.first(16), VALIDATION, straight)
                .run(a, TrainingListener.NONE, ProgressMonitor.NONE);

            boolean[] stop = {false};
            ProgressMonitor cancelAfterFirstEpoch = new ProgressMonitor() {
                @Override
                public void progress(long done, long total, String message) {
                }

                @Override
                public boolean isCancelled() {
                    return stop[0];
                }
            };
            TrainingListener stopper = new TrainingListener() {
                @Override
                public void checkpointWritten(int epochsDone, Path directory) {
                    stop[0] = true;
                }
            };
            Block killed = new LearnedPrimalDual(operator, norm, 2, 8, 3, 2, 2);
            assertThrows(CancellationException.class, () -> new TrainingRun(killed, task(), TRAIN.first(16), VALIDATION,
                interrupted).run(b, stopper, cancelAfterFirstEpoch));
            assertTrue(Files.isDirectory(temporary.resolve("interrupted").resolve("epoch-0001")));

            Block resumed = new LearnedPrimalDual(operator, norm, 2, 8, 3, 2, 2);
            TrainingResult actual = new TrainingRun(resumed, task(), TRAIN.first(16), VALIDATION, interrupted)
                .run(c, TrainingListener.NONE, ProgressMonitor.NONE);
            assertEquals(1, actual.resumedFromEpoch);
            assertEquals(expected.stepLosses, actual.stepLosses);
            double maxDifference = java.util.Arrays.stream(differences(reference, resumed)).map(Math::abs).max()
                .orElseThrow();
            System.out.println("resume: max parameter difference " + maxDifference);
            assertTrue(maxDifference <= 1e-6, "resumed weights differ by " + maxDifference);
            assertEquals(expected.last().validationPsnr, actual.last().validationPsnr, 1e-6);
        }
    }

    @Test
    void theModelHoldsTheBestValidationEpochAndTheCheckpointTheLast() throws Exception {
        // A learning rate high enough that validation PSNR falls back at the end (measured for this seed).
        Path directory = temporary.resolve("best");
        TrainingConfig config = new TrainingConfig().epochs(5).batchSize(4).learningRate(3e-2).seed(3)
            .checkpointDirectory(directory);
        try (NDManager a = manager.newSubManager(); NDManager b = manager.newSubManager()) {
            Block best = lgd();
            TrainingResult result = new TrainingRun(best, task(), TRAIN.first(16), VALIDATION.first(4), config)
                .run(a, TrainingListener.NONE, ProgressMonitor.NONE);
            List<Double> psnr = new ArrayList<>();
            result.epochs.forEach(e -> psnr.add(e.validationPsnr));
            System.out.println("validation PSNR per epoch " + psnr + ", model epoch " + result.modelEpoch);
            assertEquals(TrainingRun.bestEpoch(psnr), result.modelEpoch);
            assertTrue(result.modelEpoch < 4, "this configuration must peak before its last epoch: " + psnr);
            assertEquals(psnr.stream().mapToDouble(Double::doubleValue).max().orElseThrow(),
                result.model().validationPsnr, 0);
            assertTrue(java.util.Arrays.equals(TrainingCheckpoint.readBest(directory).orElseThrow(), bytes(best)),
                "the network holds the saved best weights");

            Block last = lgd();
            TrainingResult lastResult = new TrainingRun(last, task(), TRAIN.first(16), VALIDATION.first(4),
                new TrainingConfig().epochs(5).batchSize(4).learningRate(3e-2).seed(3).keepBest(false))
                .run(b, TrainingListener.NONE, ProgressMonitor.NONE);
            assertEquals(4, lastResult.modelEpoch);
            assertEquals(result.stepLosses, lastResult.stepLosses, "the same run but for the weights kept");
            assertTrue(!java.util.Arrays.equals(bytes(best), bytes(last)));
            LearnedModel model = new TrainingRun(best, task(), TRAIN.first(16), VALIDATION.first(4), config)
                .toModel(result, Map.of(), "x", new long[] {1});
            assertEquals(Integer.toString(result.modelEpoch + 1), model.metadata().training.get("modelEpoch"));
            assertEquals(result.model().validationPsnr, model.metadata().validationMetrics.get("psnr"), 0);
        }
    }

    /**
     * {@code decayEpochs}: the first epoch of a 2-epoch run with one decay epoch is the undecayed run's (same losses),
     * and its second epoch moves the weights about a tenth as far (Adam's steps scale with the rate); the setting
     * reaches the model's metadata, and as many decay epochs as epochs is refused naming the key.
     */
    @Test
    void theLastEpochsRunAtATenthOfTheRate() throws Exception {
        try (NDManager a = manager.newSubManager(); NDManager b = manager.newSubManager();
            NDManager c = manager.newSubManager()) {
            Block afterOne = lgd();
            new TrainingRun(afterOne, task(), TRAIN.first(32), VALIDATION.first(2), rate(1, 0))
                .run(a, TrainingListener.NONE, ProgressMonitor.NONE);
            Block constant = lgd();
            TrainingResult full = new TrainingRun(constant, task(), TRAIN.first(32), VALIDATION.first(2), rate(2, 0))
                .run(b, TrainingListener.NONE, ProgressMonitor.NONE);
            Block decayed = lgd();
            TrainingRun run = new TrainingRun(decayed, task(), TRAIN.first(32), VALIDATION.first(2), rate(2, 1));
            TrainingResult slow = run.run(c, TrainingListener.NONE, ProgressMonitor.NONE);
            assertEquals(full.stepLosses.subList(0, 8), slow.stepLosses.subList(0, 8));
            assertTrue(slow.epochs.get(1).toString().startsWith("epoch 2: loss "), "logs count epochs from 1");
            double ratio = distance(decayed, afterOne) / distance(constant, afterOne);
            System.out.println("second epoch's weight change, decayed / constant rate: " + ratio);
            assertTrue(ratio > 0.05 && ratio < 0.2, "ratio " + ratio);
            assertTrue(run.toModel(slow, Map.of(), "x", new long[] {1}).metadata().training.get("decayEpochs")
                .startsWith("1 "));
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> new TrainingRun(lgd(), task(), TRAIN.first(8), VALIDATION.first(2), rate(2, 2)));
        assertTrue(e.getMessage().startsWith("decay= (TrainMain: lr.decay=), the last epochs at a tenth of the rate,"
            + " must be 0 or fewer than epochs= (2), got 2"), e.getMessage());
    }

    private static TrainingConfig rate(int epochs, int decay) {
        return new TrainingConfig().epochs(epochs).batchSize(4).learningRate(1e-2).decayEpochs(decay).seed(9)
            .keepBest(false);
    }

    /** Euclidean distance between two networks' weights. */
    private static double distance(Block x, Block y) {
        return Math.sqrt(java.util.Arrays.stream(differences(x, y)).map(d -> d * d).sum());
    }

    /** Every weight of {@code x} minus the same weight of {@code y}, parameter by parameter. */
    private static double[] differences(Block x, Block y) {
        List<Parameter> p = x.getParameters().values();
        List<Parameter> q = y.getParameters().values();
        assertEquals(p.size(), q.size());
        java.util.stream.DoubleStream.Builder all = java.util.stream.DoubleStream.builder();
        for (int i = 0; i < p.size(); i++) {
            float[] u = p.get(i).getArray().toFloatArray();
            float[] v = q.get(i).getArray().toFloatArray();
            for (int j = 0; j < u.length; j++) {
                all.add((double) u[j] - v[j]);
            }
        }
        return all.build().toArray();
    }

    private static byte[] bytes(Block network) throws java.io.IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try (java.io.DataOutputStream data = new java.io.DataOutputStream(out)) {
            network.saveParameters(data);
        }
        return out.toByteArray();
    }

    @Test
    void sameSeedGivesSameInitialWeightsAndOtherSeedDoesNot() {
        try (NDManager m = manager.newSubManager()) {
            Block a = lgd();
            Block b = lgd();
            Block c = lgd();
            SeededInitializer.install(a, 3);
            SeededInitializer.install(b, 3);
            SeededInitializer.install(c, 4);
            for (Block block : new Block[] {a, b, c}) {
                block.initialize(m, ai.djl.ndarray.types.DataType.FLOAT32,
                    ((LearnedGradientDescent) block).inputShapes(1));
            }
            float[] wa = a.getParameters().get(0).getValue().getArray().toFloatArray();
            float[] wb = b.getParameters().get(0).getValue().getArray().toFloatArray();
            float[] wc = c.getParameters().get(0).getValue().getArray().toFloatArray();
            assertTrue(java.util.Arrays.equals(wa, wb));
            assertTrue(!java.util.Arrays.equals(wa, wc));
        }
    }

    @Test
    void checkpointOfOtherSettingsIsRefused() throws Exception {
        Path directory = temporary.resolve("shared");
        try (NDManager a = manager.newSubManager(); NDManager b = manager.newSubManager()) {
            new TrainingRun(lgd(), task(), TRAIN.first(8), VALIDATION.first(2),
                new TrainingConfig().epochs(1).batchSize(4).learningRate(1e-3).checkpointDirectory(directory))
                .run(a, TrainingListener.NONE, ProgressMonitor.NONE);
            IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> new TrainingRun(lgd(), task(), TRAIN.first(8), VALIDATION.first(2),
                    new TrainingConfig().epochs(2).batchSize(4).learningRate(5e-3).checkpointDirectory(directory))
                    .run(b, TrainingListener.NONE, ProgressMonitor.NONE));
            assertTrue(e.getMessage().contains("other settings") && e.getMessage().contains("learningRate=0.005"),
                e.getMessage());
        }
    }

    @Test
    void divergenceStopsTheRunNamingTheStep() {
        try (NDManager model = manager.newSubManager()) {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> new TrainingRun(lgd(), task(), TRAIN.first(16), VALIDATION.first(2),
                    new TrainingConfig().epochs(3).batchSize(4).learningRate(1e8).seed(1))
                    .run(model, TrainingListener.NONE, ProgressMonitor.NONE));
            assertTrue(e.getMessage().startsWith("Training diverged: loss or gradients not finite at epoch "),
                e.getMessage());
        }
    }

    @Test
    void psnrMatchesDefinition() {
        float[] truth = {0, 1, 2, 3};
        float[] estimate = {0.1f, 1, 2, 3};
        // range 3, MSE 0.01/4 -> 10 log10(9 / 0.0025)
        assertEquals(10 * Math.log10(9 / 0.0025), TrainingRun.psnr(estimate, truth, 0, 4), 1e-4);
    }
}
