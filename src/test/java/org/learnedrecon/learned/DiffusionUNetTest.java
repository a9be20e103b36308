package org.learnedrecon.learned;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.learnedrecon.models.NetworkCatalog;
import org.learnedrecon.solvers.ProgressMonitor;
import org.learnedrecon.training.DenoisingTask;
import org.learnedrecon.training.TrainingConfig;
import org.learnedrecon.training.TrainingListener;
import org.learnedrecon.training.TrainingResult;
import org.learnedrecon.training.TrainingRun;
import org.learnedrecon.training.TrainingTask;

/**
 * The diffusion prior's network and its training task: the EDM preconditioning (a network whose inner U-Net outputs
 * zero is exactly {@code c_skip x}, the identity at {@code sigma = 0}), any image size, the score-matching task's
 * log-uniform levels and weights, and a short training run that learns to denoise.
 */
class DiffusionUNetTest {

    private static DiffusionUNet initialised(NDManager m, int size) {
        DiffusionUNet net = new DiffusionUNet(1, 4, 2, 0.25);
        SeededInitializer.install(net, 5);
        Shape images = new Shape(2, 1, size, size);
        net.initialize(m, DataType.FLOAT32, images, new Shape(2, 1, size, size));
        return net;
    }

    @Test
    void withAZeroNetworkTheOutputIsTheSkipTermAndTheIdentityWithoutNoise() {
        try (NDManager m = NDManager.newBaseManager()) {
            DiffusionUNet net = initialised(m, 16);
            net.getParameters().values().forEach(p -> p.getArray().muli(0));
            ParameterStore ps = new ParameterStore(m, false);
            NDArray x = TestImages.gaussian(m, new Shape(2, 1, 16, 16), 1);
            for (double sigma : new double[] {0, 0.1, 0.25, 2}) {
                NDArray out = net.denoise(ps, net.inputs(x, sigma), ProgressMonitor.NONE);
                double cSkip = 0.0625 / (sigma * sigma + 0.0625);
                assertArrayEquals(x.mul(cSkip).toFloatArray(), out.toFloatArray(), 1e-6f, "sigma " + sigma);
            }
        }
    }

    @Test
    void denoisesAnyImageSizeAsThePaddedImageCroppedBack() {
        try (NDManager m = NDManager.newBaseManager()) {
            DiffusionUNet net = initialised(m, 16);
            ParameterStore ps = new ParameterStore(m, false);
            NDArray x = TestImages.gaussian(m, new Shape(1, 1, 13, 10), 2);
            NDArray out = net.denoise(ps, net.inputs(x, 0.1), ProgressMonitor.NONE);
            assertEquals(new Shape(1, 1, 13, 10), out.getShape());
            // The padding repeats the last row and column: pad by hand and compare with a plain forward pass.
            NDArray rows = x.concat(x.get(":, :, 12:13").repeat(2, 3), 2);
            NDArray padded = rows.concat(rows.get(":, :, :, 9:10").repeat(3, 6), 3);
            NDArray full = net.forward(ps, net.inputs(padded, 0.1), false).singletonOrThrow();
            assertArrayEquals(full.get(":, :, 0:13, 0:10").toFloatArray(), out.toFloatArray(), 1e-3f);
            assertThrows(IllegalArgumentException.class, () -> net.forward(ps, new NDList(x), false));
        }
    }

    @Test
    void catalogBuildsItFromItsHyperParameters() {
        try (NDManager m = NDManager.newBaseManager()) {
            DiffusionUNet net = initialised(m, 16);
            DiffusionUNet again = (DiffusionUNet) NetworkCatalog.create(DiffusionUNet.ARCHITECTURE,
                net.hyperParameters(), null);
            assertEquals(net.hyperParameters(), again.hyperParameters());
            assertEquals(DiffusionUNet.ARCHITECTURE, NetworkCatalog.architecture(again));
            assertTrue(NetworkCatalog.isDenoiser(DiffusionUNet.ARCHITECTURE));
            assertEquals(Map.of("channels", "1", "baseChannels", "32", "levels", "3", "sigmaData", "0.25"),
                NetworkCatalog.hyperParameters(NetworkCatalog.create(DiffusionUNet.ARCHITECTURE,
                    Map.of("channels", "1"), null)));
        }
    }

    @Test
    void scoreMatchingDrawsLevelsLogUniformlyAndWeightsEachImage() {
        try (NDManager m = NDManager.newBaseManager()) {
            int batch = 4000;
            DenoisingTask task = DenoisingTask.scoreMatching(new Shape(4, 4), 0.01, 1.0, 0.25);
            NDArray clean = m.zeros(new Shape(batch, 4, 4));
            TrainingTask.Example e = task.example(clean, new Random(3));
            float[] map = e.inputs.get(1).toFloatArray();
            float[] weight = e.weight.toFloatArray();
            float[] noisy = e.inputs.get(0).toFloatArray();
            double logSum = 0;
            int below = 0;
            double ratioSum = 0;
            for (int b = 0; b < batch; b++) {
                double sigma = map[b * 16];
                assertTrue(sigma >= 0.01 && sigma <= 1.0, "sigma " + sigma);
                assertEquals((sigma * sigma + 0.0625) / (sigma * sigma * 0.0625), weight[b], 1e-3 * weight[b]);
                logSum += Math.log10(sigma);
                below += sigma < 0.1 ? 1 : 0;
                double energy = 0;
                for (int i = 0; i < 16; i++) {
                    energy += noisy[b * 16 + i] * noisy[b * 16 + i];
                }
                ratioSum += energy / 16 / (sigma * sigma);
            }
            // log10(sigma) uniform on [-2, 0]: mean -1, half the levels below 0.1 (not 9 % as a uniform draw gives).
            assertEquals(-1.0, logSum / batch, 0.03);
            assertEquals(0.5, (double) below / batch, 0.03);
            assertEquals(1.0, ratioSum / batch, 0.03, "noise variance / sigma^2");
            assertNull(new DenoisingTask(new Shape(4, 4), 0.05).example(m.zeros(new Shape(2, 4, 4)),
                new Random(1)).weight);
            assertThrows(IllegalArgumentException.class, () -> DenoisingTask.scoreMatching(new Shape(4, 4), 0, 1,
                0.25));
        }
    }

    @Test
    void shortScoreMatchingRunLearnsToDenoise() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            DiffusionUNet net = new DiffusionUNet(1, 8, 2, 0.25);
            TrainingRun run = new TrainingRun(net, DenoisingTask.scoreMatching(new Shape(16, 16), 0.1, 0.3, 0.25),
                TestImages.ellipses(48, 16, 31), TestImages.ellipses(8, 16, 32), new TrainingConfig().epochs(12)
                    .batchSize(8).learningRate(3e-3).seed(4).intensityScale(2.0));
            TrainingResult result = run.run(m, TrainingListener.NONE, ProgressMonitor.NONE);
            System.out.println("score matching: " + result.epochs);
            assertTrue(result.last().validationPsnr > result.baselinePsnr + 2,
                "denoised " + result.last().validationPsnr + " dB vs noisy " + result.baselinePsnr);
            assertTrue(result.last().validationPsnr > result.epochs.get(0).validationPsnr + 0.5,
                "training must improve on its first epoch: " + result.epochs);
        }
    }
}
