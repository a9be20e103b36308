package org.learnedrecon.learned;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.LambdaBlock;
import java.util.Map;
import java.util.concurrent.CancellationException;
import org.junit.jupiter.api.Test;
import org.learnedrecon.models.LearnedModel;
import org.learnedrecon.solvers.ProgressMonitor;
import org.learnedrecon.training.DenoisingTask;
import org.learnedrecon.training.GaussianRelativeNoise;
import org.learnedrecon.training.ImageSliceDataset;
import org.learnedrecon.training.TrainingConfig;
import org.learnedrecon.training.TrainingListener;
import org.learnedrecon.training.TrainingResult;
import org.learnedrecon.training.TrainingRun;

/**
 * Plug-and-play with a DnCNN trained on image denoising, on an underdetermined (92 measurements, 256 pixels) sparse
 * test operator with 5% noise, against the same iteration without a prior (Landweber, which fits the noise).
 */
class PlugAndPlayTest {

    private static double psnr(NDArray estimate, NDArray truth) {
        float[] x = estimate.toFloatArray();
        float[] t = truth.toFloatArray();
        double min = Double.MAX_VALUE;
        double max = -Double.MAX_VALUE;
        double se = 0;
        for (int i = 0; i < t.length; i++) {
            min = Math.min(min, t[i]);
            max = Math.max(max, t[i]);
            se += (x[i] - t[i]) * (x[i] - t[i]);
        }
        return 10 * Math.log10((max - min) * (max - min) / (se / t.length));
    }

    @Test
    void learnedDenoiserPriorBeatsThePlainGradientIteration() throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            RandomSparseOperator operator = new RandomSparseOperator(manager, 16, 16, 4, 23, 16, 3);
            ImageSliceDataset train = TestImages.ellipses(48, 16, 31);
            ImageSliceDataset validation = TestImages.ellipses(4, 16, 32);
            DnCnn denoiser = new DnCnn(1, 16, 5);
            TrainingRun run = new TrainingRun(denoiser, new DenoisingTask(operator.domainShape(), 0.05), train,
                validation, new TrainingConfig().epochs(6).batchSize(8).learningRate(3e-3).seed(4)
                    .intensityScale(2.0));
            TrainingResult result = run.run(manager, TrainingListener.NONE, ProgressMonitor.NONE);
            assertTrue(result.last().validationPsnr > result.baselinePsnr + 2,
                "denoiser PSNR " + result.last().validationPsnr + " vs noisy " + result.baselinePsnr);
            LearnedModel model = run.toModel(result, Map.of(), null, operator.rangeShape().getShape());

            NDArray truth = validation.batch(manager, new int[] {0, 1, 2, 3}, operator.domainShape(), 1.0);
            NDArray y = new GaussianRelativeNoise(0.05).corrupt(operator.apply(truth), new java.util.Random(1));
            LearnedSolver pnp = new LearnedSolver(model, new ScaledAdjointReconstruction(), 40, 1.0);
            NDArray learned = pnp.reconstruct(y, operator, ProgressMonitor.NONE);
            NDArray plain = new PlugAndPlay(new LambdaBlock(x -> x), 2.0, 40, 1.0, new ScaledAdjointReconstruction())
                .reconstruct(y, operator, ProgressMonitor.NONE);
            double learnedPsnr = psnr(learned, truth);
            double plainPsnr = psnr(plain, truth);
            System.out.printf("PnP: learned prior %.2f dB, no prior %.2f dB%n", learnedPsnr, plainPsnr);
            assertEquals(truth.getShape(), learned.getShape());
            assertTrue(learnedPsnr > plainPsnr + 1, learnedPsnr + " vs " + plainPsnr);

            ProgressMonitor cancelled = new ProgressMonitor() {
                public void progress(long done, long total, String message) {
                }

                public boolean isCancelled() {
                    return true;
                }
            };
            assertThrows(CancellationException.class, () -> pnp.reconstruct(y, operator, cancelled));
        }
    }
}
