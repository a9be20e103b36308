package org.learnedrecon.benchmark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.learnedrecon.acquisition.MriCartesianPhysics;
import org.learnedrecon.phantoms.SheppLoganPhantom;
import org.learnedrecon.physics.ct.ParallelBeamGeometry;
import org.learnedrecon.physics.ct.RayTransform;
import org.learnedrecon.physics.mri.CartesianMriOperator;
import org.learnedrecon.physics.mri.ComplexGaussianNoise;
import org.learnedrecon.physics.mri.SamplingMask;
import org.learnedrecon.physics.noise.GaussianNoise;
import org.learnedrecon.runtime.DeepLearningRuntime;
import org.learnedrecon.training.ImageSliceDataset;
import org.learnedrecon.training.MeasuredKspace;
import org.learnedrecon.training.MeasuredSinograms;

/**
 * {@code SolverComparison measurementsDir=} writes the measurements each scenario scores as the Simulate commands
 * would: read back as training data ({@code measurements=}) they hold the same values to the bit, their scan, and
 * k-space whose Info regenerates the mask it was sampled with.
 */
class MeasurementFilesTest {

    @Test
    void writesTheScoredMeasurementsAsTrainingReadsThem(@TempDir Path dir) {
        List<SolverComparison.Row> rows = DeepLearningRuntime.call(new SolverComparison(SolverComparison.parse(
            "sets=shepp", "sirtIterations=2", "tvIterations=2", "mriIterations=2", "tvLambdas=1",
            "mriTvLambdas=0.005", "learned=false", "fitNoise=false", "realTv=false", "measurementsDir=" + dir))::run);
        assertEquals(6, rows.size());
        MeasuredSinograms sinograms = MeasuredSinograms.fromTiff(dir.resolve("ct30-shepp.tif"), 0, 0, 0);
        assertEquals("30", sinograms.settings().get("views"));
        assertEquals("128", sinograms.settings().get("size"));
        MeasuredKspace kspace = MeasuredKspace.fromTiff(dir.resolve("mri8-shepp.tif"));
        Map<String, String> mri = new java.util.LinkedHashMap<>(SolverComparison.SCENARIOS.get("mri8").physics());
        mri.put("maskSeed", Long.toString(SolverComparison.DEFAULT_MRI_MASK_SEED));
        SamplingMask mask = MriCartesianPhysics.mask(mri);
        assertArrayEquals(mask.values(), kspace.mask().values(), 0f);
        ImageSliceDataset shepp = ImageSliceDataset.of(new float[][] {SheppLoganPhantom.render(128)}, 128, 128, "s");
        try (NDManager m = NDManager.newBaseManager()) {
            ParallelBeamGeometry g = ParallelBeamGeometry.uniform(128, 30, 180);
            RayTransform ray = RayTransform.matrixFree(g);
            float[] y = new GaussianNoise(0.01, 1).apply(ray.apply(shepp.batch(m, new int[] {0}, ray.domainShape(),
                1))).toFloatArray();
            assertArrayEquals(y, sinograms.measurements().batch(m, new int[] {0}, new Shape(30, g.detectorCount()),
                1, null).toFloatArray(), 0f);
            CartesianMriOperator fourier = new CartesianMriOperator(m, mask);
            NDArray truth = shepp.batch(m, new int[] {0}, fourier.domainShape(), 1);
            float[] k = new ComplexGaussianNoise(0.01, 1).apply(fourier.apply(truth), mask).toFloatArray();
            assertArrayEquals(k, kspace.measurements().batch(m, new int[] {0}, new Shape(2, 128, 128), 1, null)
                .toFloatArray(), 0f);
        }
    }
}
