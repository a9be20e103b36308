package org.learnedrecon.acquisition;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.learnedrecon.models.ModelFile;
import org.learnedrecon.models.ModelMetadata;
import org.learnedrecon.physics.AdjointCheck;
import org.learnedrecon.physics.mri.CartesianMriOperator;
import org.learnedrecon.physics.mri.RandomLineSampling;
import org.learnedrecon.physics.mri.RandomMaskMriOperator;
import org.learnedrecon.physics.mri.SamplingMask;
import org.learnedrecon.physics.noise.GaussianRelativeNoise;
import org.learnedrecon.physics.noise.MeasurementNoise;
import org.learnedrecon.training.MeasurementTask;

/** The settings form of {@code physics=mri-cartesian} and what it makes a model compatible with. */
class MriCartesianPhysicsTest {

    private final MriCartesianPhysics physics = new MriCartesianPhysics();

    /** initial= chooses zero filling (default) or a TV start; it is kept in the settings and constrains no data. */
    @Test
    void initialReconstructionIsZeroFilledOrTv() {
        assertEquals(new org.learnedrecon.solvers.mri.ZeroFilledSolver(
            org.learnedrecon.solvers.mri.ZeroFilledSolver.Combination.ADJOINT).name(),
            physics.initialReconstruction(Map.of()).name());
        Map<String, String> tv = physics.completeSettings(Map.of("initial", "tv0.01"));
        assertEquals("tv0.01", tv.get("initial"));
        assertEquals(0.01, ((org.learnedrecon.solvers.classical.TotalVariation) physics.initialReconstruction(tv))
            .lambda());
        assertFalse(physics.constrainsModel("initial"));
        IllegalArgumentException bad = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
            () -> physics.initialReconstruction(Map.of("initial", "fbp")));
        assertEquals("initial=fbp: choose zerofilled, tv<lambda> (e.g. tv0.01) or tvreal<lambda> (e.g. tvreal0.01)",
            bad.getMessage());
        bad = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
            () -> physics.initialReconstruction(Map.of("initial", "tvx")));
        assertEquals("initial=tvx: a TV start is tv<lambda> with lambda a number, e.g. tv0.5", bad.getMessage());
        bad = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
            () -> physics.initialReconstruction(Map.of("initial", "tvfit0.01")));
        assertEquals("initial=tvfit0.01: TV fitting the noise is built for CT only; give tv<lambda>, e.g. tv0.01",
            bad.getMessage());
    }

    /**
     * initial=tvreal<lambda> is non-negative TV over real images, returned as complex images with imaginary part 0;
     * plug-and-play starts from it at lambda 0.01 unless initial= names a start. CT refuses it.
     */
    @Test
    void tvOverRealImagesIsPlugAndPlaysStart() {
        assertEquals("TV, real image",
            physics.initialReconstruction(Map.of("initial", "tvreal0.02")).name());
        assertEquals(physics.initialReconstruction(Map.of("initial", "tvreal0.01")).name(),
            physics.plugAndPlayStart(Map.of()).name());
        assertEquals(physics.initialReconstruction(Map.of()).name(),
            physics.plugAndPlayStart(Map.of("initial", "zerofilled")).name());
        IllegalArgumentException bad = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
            () -> physics.initialReconstruction(Map.of("initial", "tvrealx")));
        assertEquals("initial=tvrealx: a TV start over real images is tvreal<lambda> with lambda a number, e.g. "
            + "tvreal0.01", bad.getMessage());
        bad = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
            () -> new CtParallelPhysics().initialReconstruction(Map.of("initial", "tvreal0.5")));
        assertEquals("initial=tvreal0.5: a CT image is real already; give tv<lambda>, e.g. tv0.5", bad.getMessage());
        SamplingMask mask = new RandomLineSampling(4, 0.08).generate(32, 32, 1);
        try (NDManager m = NDManager.newBaseManager()) {
            CartesianMriOperator op = new CartesianMriOperator(m, mask);
            NDArray truth = m.randomUniform(-1f, 1f, new Shape(2, 2, 32, 32));
            NDArray x = physics.plugAndPlayStart(Map.of()).reconstruct(op.apply(truth), op,
                org.learnedrecon.solvers.ProgressMonitor.NONE);
            assertEquals(new Shape(2, 2, 32, 32), x.getShape());
            assertEquals(0f, x.get(":, 1").abs().max().getFloat(), "imaginary part");
            assertTrue(x.get(":, 0").min().getFloat() >= 0f, "non-negative");
            assertTrue(x.get(":, 0").max().getFloat() > 0.05f, "not all zero");
        }
    }

    @Test
    void completedSettingsFillTheDefaultsAndKeepAGivenMaskSeedOnly() {
        assertEquals(Map.of("physics", "mri-cartesian", "size", "128", "mask", "random", "acceleration", "8",
            "center", "0.04", "coils", "1"), physics.completeSettings(Map.of("acceleration", "8.0")));
        Map<String, String> seeded = physics.completeSettings(Map.of("maskSeed", "3", "size", "32"));
        assertEquals("3", seeded.get("maskSeed"));
        assertArrayEquals(new RandomLineSampling(8, 0.04).generate(32, 32, 3).values(),
            MriCartesianPhysics.mask(seeded).values(), 0f, "training must still draw the mask of its seed");
        assertEquals(Map.of("physics", "mri-cartesian", "size", "256x128", "mask", "equispaced", "acceleration",
            "4", "center", "0.08", "coils", "8"), MriCartesianPhysics.settingsOf("Equispaced", 4, 0.08, 128, 256, 8));
    }

    @Test
    void aModelFitsAnyMaskSeedButNotAnotherAccelerationCentreOrKind() {
        ModelMetadata model = new ModelMetadata();
        model.architecture = "lgd";
        model.physics.putAll(physics.completeSettings(Map.of("maskSeed", "0", "size", "16")));
        model.domainShape = new long[] {2, 16, 16};
        model.rangeShape = new long[] {2, 16, 16};
        assertTrue(physics.constrainsModel("acceleration"));
        assertFalse(physics.constrainsModel("maskSeed"));
        try (NDManager manager = NDManager.newBaseManager()) {
            CartesianMriOperator operator = new CartesianMriOperator(manager,
                new RandomLineSampling(8, 0.04).generate(16, 16, 99));
            assertEquals(List.of(), ModelFile.compatibilityProblems(model, operator,
                MriCartesianPhysics.settingsOf("random", 8, 0.04, 16, 16, 1)));
            assertEquals(List.of("model trained for mask=random, but the data has mask=equispaced",
                "model trained for acceleration=8, but the data has acceleration=4",
                "model trained for center=0.04, but the data has center=0.08"),
                ModelFile.compatibilityProblems(model, operator,
                    MriCartesianPhysics.settingsOf("equispaced", 4, 0.08, 16, 16, 1)));
        }
    }

    @Test
    void perBatchMasksAreNewDrawsOfThePatternReproducibleFromTheBatchGenerator() {
        Map<String, String> settings = Map.of("size", "32", "acceleration", "4", "center", "0.08", "maskSeed",
            MriCartesianPhysics.MASK_PER_BATCH);
        assertArrayEquals(new RandomLineSampling(4, 0.08).generate(32, 32, 0).values(),
            MriCartesianPhysics.mask(settings).values(), 0f, "outside training: the first draw, seed 0");
        try (NDManager manager = NDManager.newBaseManager()) {
            RandomMaskMriOperator operator = (RandomMaskMriOperator) physics.create(manager, settings);
            MeasurementTask task = new MeasurementTask(operator, new GaussianRelativeNoise(0.01),
                physics.initialReconstruction(settings));
            NDArray clean = manager.randomUniform(0f, 1f, new Shape(2, 2, 32, 32));
            task.example(clean, new Random(5));
            float[] first = operator.mask().values();
            NDArray y = operator.apply(clean);
            task.example(clean, new Random(6));
            float[] second = operator.mask().values();
            assertFalse(java.util.Arrays.equals(first, second), "a new batch generator draws another mask");
            assertEquals(32 * 32 / 4.0, operator.mask().sampledCount(), 32 * 2, "same pattern: about 1/4 sampled");
            task.example(clean, new Random(5));
            assertArrayEquals(first, operator.mask().values(), 0f, "the same generator draws the same mask");
            assertEquals(0f, operator.apply(clean).sub(y).abs().max().getFloat(), 0f);

            // Between draws an ordinary linear operator: the adjoint (dot-product) test holds.
            NDArray x = manager.randomNormal(new Shape(3, 2, 32, 32));
            NDArray v = manager.randomNormal(new Shape(3, 2, 32, 32));
            AdjointCheck.assertAdjoint(operator, x, v, 1e-4, 0);
        }
    }

    @Test
    void trainingNoiseIsSimulateMrisNoiseOnTheCurrentMask() {
        Map<String, String> settings = Map.of("size", "32", "acceleration", "4", "center", "0.08", "maskSeed",
            MriCartesianPhysics.MASK_PER_BATCH);
        try (NDManager manager = NDManager.newBaseManager()) {
            RandomMaskMriOperator operator = (RandomMaskMriOperator) physics.create(manager, settings);
            MeasurementNoise noise = physics.trainingNoise(0.05, operator);
            operator.draw(new Random(3));
            NDArray clean = operator.apply(manager.randomUniform(0f, 1f, new Shape(2, 2, 32, 32)));
            NDArray noisy = noise.corrupt(clean, new Random(11));
            // Exactly ComplexGaussianNoise with the generator's first long as its seed, on the current mask.
            NDArray expected = new org.learnedrecon.physics.mri.ComplexGaussianNoise(0.05, new Random(11).nextLong())
                .apply(clean, operator.mask());
            assertEquals(0f, noisy.sub(expected).abs().max().getFloat(), 0f);
            float[] m = operator.mask().values();
            float[] c = clean.toFloatArray();
            float[] n = noisy.toFloatArray();
            double signal = 0;
            double error = 0;
            int sampled = 0;
            for (int i = 0; i < c.length; i++) {
                if (m[i % m.length] == 0f) {
                    assertEquals(0f, n[i], 0f, "unsampled entries stay zero");
                } else {
                    signal += c[i] * c[i];
                    error += (n[i] - c[i]) * (n[i] - c[i]);
                    sampled++;
                }
            }
            assertTrue(sampled > 0);
            assertEquals(0.05, Math.sqrt(error / signal), 0.01, "relative RMS on the sampled entries");
        }
    }
}
