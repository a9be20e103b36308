package org.learnedrecon.learned;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.learnedrecon.reconstruction.PosteriorSummary;
import org.learnedrecon.solvers.ProgressMonitor;

/**
 * The diffusion posterior sampler (DiffPIR on a variance-exploding schedule) as a specification: reproducible for a
 * seed, a spread that collapses where the data determine the image and stays where they do not, and clear refusals.
 * The denoiser is a small untrained noise-level-map DnCNN with seeded weights (a fixed, imperfect prior).
 */
class DiffusionPosteriorSamplerTest {

    private static final int N = 12;

    /** A small untrained DnCNN with seeded weights; also the refused plain denoiser of other sampler tests. */
    static DnCnn denoiser(NDManager manager, boolean noiseMap) {
        DnCnn denoiser = new DnCnn(1, 8, 3, noiseMap);
        SeededInitializer.install(denoiser, 7);
        Shape images = new Shape(1, 1, N, N);
        denoiser.initialize(manager, DataType.FLOAT32, noiseMap ? new Shape[] {images, new Shape(1, 1, N, N)}
            : new Shape[] {images});
        return denoiser;
    }

    private static NDArray images(NDManager manager, int count, long seed) {
        float[] v = new float[count * N * N];
        Random random = new Random(seed);
        for (int i = 0; i < v.length; i++) {
            v[i] = 0.2f + 0.6f * random.nextFloat();
        }
        return manager.create(v, new Shape(count, N, N));
    }

    private static DiffusionPosteriorSampler sampler(DnCnn denoiser, double noiseLevel) {
        return new DiffusionPosteriorSampler(denoiser, 1.0, new DiffusionPosteriorSampler.Settings(10, 0.2, 0.005,
            0.3, 1.0, 5, noiseLevel), null);
    }

    @Test
    void theSameSeedGivesTheSameSamplesAndAnotherSeedOthers() {
        try (NDManager manager = NDManager.newBaseManager()) {
            DnCnn denoiser = denoiser(manager, true);
            float[] m = new float[N * N];
            for (int i = 0; i < m.length; i += 2) {
                m[i] = 1;
            }
            PixelMask operator = new PixelMask(manager.create(m, new Shape(N, N)));
            NDArray y = operator.apply(images(manager, 2, 1));
            DiffusionPosteriorSampler sampler = sampler(denoiser, 0.01);
            NDArray a = PixelMask.assertSeeded(sampler, y, operator);
            assertEquals(new Shape(3, 2, N, N), a.getShape());
            // The samples of one seed differ from each other too (they are draws, not copies).
            assertTrue(a.get("0").sub(a.get("1")).abs().max().getFloat() > 1e-3f);
        }
    }

    @Test
    void withTheIdentityAndTinyNoiseTheSpreadCollapsesAndTheMeanIsTheData() {
        try (NDManager manager = NDManager.newBaseManager()) {
            PixelMask identity = new PixelMask(manager.ones(new Shape(N, N)));
            NDArray y = images(manager, 2, 2);
            PosteriorSummary summary = PosteriorSummary.sample(sampler(denoiser(manager, true), 1e-4), y, identity,
                4, 1, false, ProgressMonitor.NONE);
            float spread = summary.std().max().getFloat();
            float bias = summary.mean().sub(y).abs().max().getFloat();
            assertTrue(spread < 1e-3f, "largest std " + spread);
            assertTrue(bias < 1e-3f, "largest |mean - y| " + bias);
            assertEquals(null, summary.samples());
        }
    }

    @Test
    void unobservedPixelsAreMoreUncertainThanObservedOnes() {
        try (NDManager manager = NDManager.newBaseManager()) {
            float[] m = new float[N * N];
            for (int i = 0; i < N * N / 2; i++) {
                m[i] = 1; // the top half is observed
            }
            PixelMask operator = new PixelMask(manager.create(m, new Shape(N, N)));
            NDArray y = operator.apply(images(manager, 2, 3));
            PosteriorSummary summary = PosteriorSummary.sample(sampler(denoiser(manager, true), 0.01), y, operator,
                8, 5, true, ProgressMonitor.NONE);
            assertEquals(new Shape(8, 2, N, N), summary.samples().getShape());
            float[] std = summary.std().toFloatArray();
            double observed = 0;
            double unobserved = 0;
            for (int i = 0; i < std.length; i++) {
                if (m[i % (N * N)] == 1) {
                    observed += std[i];
                } else {
                    unobserved += std[i];
                }
            }
            observed /= std.length / 2.0;
            unobserved /= std.length / 2.0;
            assertTrue(unobserved > 3 * observed, "mean std unobserved " + unobserved + ", observed " + observed);
        }
    }

    @Test
    void complexImagesAreSampledChannelByChannel() {
        try (NDManager manager = NDManager.newBaseManager()) {
            MaskedFourierOperator operator = new MaskedFourierOperator(manager, N, N, 0.3, 4);
            NDArray truth = manager.zeros(new Shape(2, 2, N, N));
            truth.set(new ai.djl.ndarray.index.NDIndex(":, 0"), images(manager, 2, 6));
            NDArray samples = sampler(denoiser(manager, true), 0.01).sample(operator.apply(truth), operator, 2, 1,
                ProgressMonitor.NONE);
            assertEquals(new Shape(2, 2, 2, N, N), samples.getShape());
            assertTrue(Float.isFinite(samples.abs().sum().getFloat()));
        }
    }

    @Test
    void warmChainsTakeFewerStepsOnComplexImages() {
        try (NDManager manager = NDManager.newBaseManager()) {
            DiffusionPosteriorSampler warm = DiffusionPosteriorSampler.warmStarted(denoiser(manager, true), 1.0, null);
            MaskedFourierOperator fourier = new MaskedFourierOperator(manager, N, N, 0.3, 4);
            NDArray truth = manager.zeros(new Shape(1, 2, N, N));
            truth.set(new ai.djl.ndarray.index.NDIndex(":, 0"), images(manager, 1, 8));
            PixelMask pixels = new PixelMask(manager.ones(new Shape(N, N)));
            assertEquals(DiffusionPosteriorSampler.WARM_START_COMPLEX.steps(),
                stepsTaken(warm, fourier.apply(truth), fourier));
            assertEquals(DiffusionPosteriorSampler.WARM_START.steps(),
                stepsTaken(warm, pixels.apply(images(manager, 1, 8)), pixels));
            assertEquals(4, DiffusionPosteriorSampler.WARM_START_COMPLEX.steps());
            assertEquals(10, DiffusionPosteriorSampler.WARM_START.steps());
            assertTrue(warm.description().contains("complex images: 4 steps"), warm.description());
        }
    }

    /**
     * The chains from noise whose spread a calibrated warm chain borrows take {@link
     * DiffusionPosteriorSampler#BORROWED_SPREAD_STEPS} over the same noise levels as the sampler from noise (this
     * denoiser is a DnCNN: {@link DiffusionPosteriorSampler#DEFAULTS}, 10 steps).
     */
    @Test
    void borrowedSpreadChainsTakeFourSteps() {
        try (NDManager manager = NDManager.newBaseManager()) {
            PixelMask pixels = new PixelMask(manager.ones(new Shape(N, N)));
            NDArray y = pixels.apply(images(manager, 1, 8));
            DiffusionPosteriorSampler borrowed = DiffusionPosteriorSampler.forBorrowedSpread(denoiser(manager, true),
                1.0, null);
            DiffusionPosteriorSampler full = DiffusionPosteriorSampler.withDefaults(denoiser(manager, true), 1.0,
                null);
            assertEquals(4, stepsTaken(borrowed, y, pixels));
            assertEquals(10, stepsTaken(full, y, pixels));
            assertEquals(full.description().replace("10 steps", "4 steps"), borrowed.description());
        }
    }

    /** The number of steps {@code sampler} reports for two samples of {@code y}. */
    private static long stepsTaken(DiffusionPosteriorSampler sampler, NDArray y,
        org.learnedrecon.physics.ForwardOperator operator) {
        long[] steps = {0};
        sampler.sample(y, operator, 2, 1, new ProgressMonitor() {
            @Override
            public void progress(long done, long total, String message) {
                if (message.startsWith("Diffusion posterior sampling: step")) {
                    steps[0]++;
                    assertEquals(steps[0], done);
                }
            }

            @Override
            public boolean isCancelled() {
                return false;
            }
        });
        return steps[0];
    }

    @Test
    void refusesTooFewSamplesAndADenoiserWithoutNoiseLevel() {
        try (NDManager manager = NDManager.newBaseManager()) {
            PixelMask identity = new PixelMask(manager.ones(new Shape(N, N)));
            NDArray y = images(manager, 1, 4);
            IllegalArgumentException few = assertThrows(IllegalArgumentException.class, () -> PosteriorSummary.sample(
                sampler(denoiser(manager, true), 0.01), y, identity, 1, 1, false, ProgressMonitor.NONE));
            assertTrue(few.getMessage().contains("samples=1"), few.getMessage());
            IllegalArgumentException plain = assertThrows(IllegalArgumentException.class,
                () -> sampler(denoiser(manager, false), 0.01));
            assertTrue(plain.getMessage().contains("noiseMap=false"), plain.getMessage());
            IllegalArgumentException settings = assertThrows(IllegalArgumentException.class,
                () -> DiffusionPosteriorSampler.Settings.parse("10,0.2,0.005,1.5,1,5,0.01"));
            assertTrue(settings.getMessage().contains("zeta 1.5"), settings.getMessage());
        }
    }
}
