package org.learnedrecon.learned;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.LambdaBlock;
import ai.djl.training.ParameterStore;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import org.junit.jupiter.api.Test;
import org.learnedrecon.learned.SeededInitializer;
import org.learnedrecon.models.LearnedModel;
import org.learnedrecon.models.LearnedSolver;
import org.learnedrecon.models.ModelFile;
import org.learnedrecon.models.ModelMetadata;
import org.learnedrecon.physics.MatrixOperator;
import org.learnedrecon.physics.mri.CartesianMriOperator;
import org.learnedrecon.physics.mri.SamplingMask;
import org.learnedrecon.physics.noise.GaussianRelativeNoise;
import org.learnedrecon.solvers.ProgressMonitor;
import org.learnedrecon.solvers.RecordingMonitor;
import org.learnedrecon.solvers.classical.ScaledAdjointReconstruction;
import org.learnedrecon.training.DenoisingTask;
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
            MatrixOperator operator = RandomSparseOperator.create(manager, 16, 16, 4, 23, 16, 3);
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
            NDArray splitting = new LearnedSolver(model, new ScaledAdjointReconstruction())
                .reconstruct(y, operator, ProgressMonitor.NONE);
            double learnedPsnr = psnr(learned, truth);
            double plainPsnr = psnr(plain, truth);
            double splittingPsnr = psnr(splitting, truth);
            System.out.printf("PnP: proximal gradient %.2f dB, half-quadratic splitting %.2f dB, no prior %.2f dB%n",
                learnedPsnr, splittingPsnr, plainPsnr);
            assertEquals(truth.getShape(), learned.getShape());
            assertEquals(truth.getShape(), splitting.getShape());
            assertTrue(learnedPsnr > plainPsnr + 1, learnedPsnr + " vs " + plainPsnr);
            assertTrue(splittingPsnr > plainPsnr + 1, splittingPsnr + " vs " + plainPsnr);

            ProgressMonitor cancelled = RecordingMonitor.cancelled();
            assertThrows(CancellationException.class, () -> pnp.reconstruct(y, operator, cancelled));
        }
    }

    @Test
    void singleChannelDenoiserDenoisesRealAndImaginaryPartsAsImagesOfTheirOwn() {
        try (NDManager manager = NDManager.newBaseManager()) {
            // Fully sampled orthonormal FFT: A*A = I and ||A|| = 1, so one step of size 1 from zero gives A* y and
            // the result is D applied to A* y.
            CartesianMriOperator operator = new CartesianMriOperator(manager, SamplingMask.full(8, 8));
            DnCnn denoiser = new DnCnn(1, 4, 3);
            SeededInitializer.install(denoiser, 5);
            denoiser.initialize(manager, DataType.FLOAT32, new Shape(1, 1, 8, 8));
            NDArray image = manager.randomNormal(new Shape(2, 2, 8, 8));
            NDArray y = operator.apply(image);
            NDArray x = new PlugAndPlay(denoiser, 1.0, 1, 1.0, null).reconstruct(y, operator, ProgressMonitor.NONE);

            ParameterStore store = new ParameterStore(manager, false);
            NDArray adjoint = operator.adjoint(y);
            for (int b = 0; b < 2; b++) {
                for (int c = 0; c < 2; c++) {
                    NDArray part = adjoint.get(b + ":" + (b + 1) + "," + c + ":" + (c + 1));
                    NDArray expected = denoiser.forward(store, new NDList(part), false).singletonOrThrow();
                    NDArray actual = x.get(b + ":" + (b + 1) + "," + c + ":" + (c + 1));
                    assertTrue(expected.sub(actual).abs().max().getFloat() < 1e-5f, "sample " + b + " channel " + c);
                }
            }
            // The model file check agrees: a 1-channel denoiser fits complex images, a 2-channel one not real ones.
            ModelMetadata real = new ModelMetadata();
            real.architecture = DnCnn.ARCHITECTURE;
            real.domainShape = new long[] {8, 8};
            assertEquals(List.of(), ModelFile.compatibilityProblems(real, operator, Map.of()));
            ModelMetadata complex = new ModelMetadata();
            complex.architecture = DnCnn.ARCHITECTURE;
            complex.domainShape = new long[] {2, 8, 8};
            List<String> problems = ModelFile.compatibilityProblems(complex,
                RandomSparseOperator.create(manager, 8, 8, 4, 23, 16, 3), Map.of());
            assertEquals(List.of("denoiser trained for images with 2 channel(s), but the operator's images have 1"),
                problems);
        }
    }

    @Test
    void splittingDataStepSolvesItsNormalEquationsAndTheScheduleFallsGeometrically() {
        try (NDManager manager = NDManager.newBaseManager()) {
            MatrixOperator operator = RandomSparseOperator.create(manager, 8, 8, 4, 13, 8, 7);
            HalfQuadraticSplitting hqs = new HalfQuadraticSplitting(new LambdaBlock(x -> x), 1.0, 0.05, 5, 0.16,
                0.01, 0.01, 60, null);
            NDArray z = manager.randomNormal(new Shape(2, 8, 8));
            NDArray y = manager.randomNormal(new Shape(2).addAll(operator.rangeShape()));
            NDArray adjointY = operator.adjoint(y);
            double mu = 0.3;
            NDArray x = hqs.dataStep(operator, adjointY, z, mu);
            NDArray residual = operator.adjoint(operator.apply(x)).add(x.mul(mu)).sub(adjointY).sub(z.mul(mu));
            double relative = residual.norm().getFloat() / adjointY.add(z.mul(mu)).norm().getFloat();
            assertTrue(relative < 1e-4, "relative residual " + relative);
            assertEquals(0.16, hqs.sigma(0), 1e-12);
            assertEquals(0.08, hqs.sigma(1), 1e-12);
            assertEquals(0.01, hqs.sigma(4), 1e-12);
            assertThrows(IllegalArgumentException.class, () -> new HalfQuadraticSplitting(new LambdaBlock(v -> v),
                1.0, 0.05, 5, 0.01, 0.1, 0.01, 10, null));
        }
    }
}
