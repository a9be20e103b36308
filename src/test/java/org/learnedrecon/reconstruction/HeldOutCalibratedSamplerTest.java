package org.learnedrecon.reconstruction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.learnedrecon.learned.PosteriorSampler;
import org.learnedrecon.phantoms.SheppLoganPhantom;
import org.learnedrecon.physics.ForwardOperator;
import org.learnedrecon.physics.ct.FanBeamGeometry;
import org.learnedrecon.physics.ct.ParallelBeamGeometry;
import org.learnedrecon.physics.ct.RayTransform;
import org.learnedrecon.physics.mri.CartesianMriOperator;
import org.learnedrecon.physics.mri.ComplexGaussianNoise;
import org.learnedrecon.physics.mri.SamplingMask;
import org.learnedrecon.physics.noise.GaussianNoise;
import org.learnedrecon.solvers.ProgressMonitor;

/**
 * The spread calibration on a sampler whose miscalibration is known: its samples are {@code truth + e + c z_i}, with
 * {@code e} a fixed error of per-pixel spread {@code c_true} (white, so its held-out prediction error has the energy
 * {@code c_true^2 ||A_J||_F^2}) and {@code z_i} white draws. The mean's error then has {@code c_true / c} times the
 * samples' spread (plus the mean's own {@code c / sqrt(S)}), and the calibration must find that ratio per slice,
 * through held-out views (CT) and held-out k-space lines (MRI), with the measurement noise subtracted.
 */
class HeldOutCalibratedSamplerTest {

    private static final int N = 48;
    private static final int SAMPLES = 8;
    private static final double SPREAD = 0.01;
    /**
     * Per slice, the error's spread in multiples of the samples': too narrow by 8 (over the scale's old ceiling of 4,
     * as the warm-started chains at MRI 8x are) and by 1.5.
     */
    private static final double[] ERROR = {8, 1.5};

    /**
     * Samples 2 and 4 times as spread as their error (unclamped scales about 0.61 and 0.43): the calibration must
     * leave both as they are.
     */
    private static final double[] WIDE = {0.5, 0.25};

    /** Draws {@code truth + e + SPREAD z}; {@code e} per slice fixed by its seed, {@code z} by the call's seed. */
    private static final class Miscalibrated implements PosteriorSampler {
        private final float[] truth;
        private final double[] errors;
        private final double noiseLevel;
        private final double spread;
        final List<Long> seeds = new java.util.ArrayList<>();

        Miscalibrated(float[] truth) {
            this(truth, ERROR);
        }

        Miscalibrated(float[] truth, double[] errors) {
            this(truth, errors, 0.01);
        }

        Miscalibrated(float[] truth, double[] errors, double noiseLevel) {
            this(truth, errors, noiseLevel, SPREAD);
        }

        /** Errors in multiples of {@link #SPREAD}, samples spread by {@code spread}. */
        Miscalibrated(float[] truth, double[] errors, double noiseLevel, double spread) {
            this.truth = truth;
            this.errors = errors;
            this.noiseLevel = noiseLevel;
            this.spread = spread;
        }

        @Override
        public NDArray sample(NDArray measurements, ForwardOperator operator, int samples, long seed,
            ProgressMonitor progress) {
            seeds.add(seed);
            int slices = (int) measurements.getShape().get(0);
            Shape domain = operator.domainShape();
            int per = Math.toIntExact(domain.size());
            float[] out = new float[samples * slices * per];
            Random noise = new Random(seed);
            for (int s = 0; s < slices; s++) {
                Random error = new Random(100 + s);
                float[] e = new float[per];
                for (int i = 0; i < per; i++) {
                    e[i] = (float) (errors[s] * SPREAD * error.nextGaussian());
                }
                for (int k = 0; k < samples; k++) {
                    for (int i = 0; i < per; i++) {
                        out[(k * slices + s) * per + i] = truth[s * per + i] + e[i]
                            + (float) (spread * noise.nextGaussian());
                    }
                }
            }
            return measurements.getManager().create(out, new Shape(samples, slices).addAll(domain));
        }

        @Override
        public String description() {
            return "miscalibrated";
        }

        @Override
        public double noiseLevel() {
            return noiseLevel;
        }
    }

    /** The samples {@code drawn} of two slices: mean {@code mean}, std {@code std} times each slice's scale. */
    private static void assertSpreadAround(NDArray mean, NDArray std, NDArray drawn, List<Double> scales) {
        PosteriorSummary result = PosteriorSummary.of(drawn);
        float[] expectedMean = mean.toFloatArray();
        float[] expectedStd = std.toFloatArray();
        float[] actualMean = result.mean().toFloatArray();
        float[] actualStd = result.std().toFloatArray();
        int per = actualStd.length / 2;
        for (int i = 0; i < actualStd.length; i += 97) {
            assertEquals(expectedMean[i], actualMean[i], 1e-5);
            assertEquals(expectedStd[i] * scales.get(i / per), actualStd[i], 1e-4 + 1e-3 * actualStd[i]);
        }
    }

    /** Two slices: Shepp-Logan and the same at 0.5 of its intensity. */
    private static float[] truths(int channels) {
        float[] a = SheppLoganPhantom.render(N);
        float[] out = new float[2 * channels * N * N];
        System.arraycopy(a, 0, out, 0, N * N);
        for (int i = 0; i < N * N; i++) {
            out[channels * N * N + i] = 0.5f * a[i];
        }
        return out;
    }

    /** The two slices of {@code truth} measured by {@code op} with 1 % Gaussian noise (seed 3). */
    private static NDArray noisySinograms(NDManager m, ForwardOperator op, float[] truth) {
        return new GaussianNoise(0.01, 3).apply(op.apply(m.create(truth, new Shape(2, N, N))));
    }

    private static void checkScales(NDManager m, ForwardOperator op, NDArray y, float[] truth) {
        Miscalibrated raw = new Miscalibrated(truth);
        List<Double> scales;
        NDArray drawn;
        String description;
        try (HeldOutCalibratedSampler calibrated = new HeldOutCalibratedSampler(raw, op)) {
            drawn = calibrated.sample(y, op, SAMPLES, 7, ProgressMonitor.NONE);
            scales = calibrated.scales();
            description = calibrated.description();
        }
        assertEquals(2, scales.size());
        for (int s = 0; s < 2; s++) {
            // E||r||^2 / spread = c_true^2 + c^2 / S over c^2.
            double expected = Math.sqrt(ERROR[s] * ERROR[s] + 1.0 / SAMPLES);
            assertEquals(expected, scales.get(s), 0.12 * expected, "slice " + s + ", scales " + scales);
        }
        // The samples drawn from all measurements (the call's own seed, last), spread by the scales around their mean.
        assertEquals(7L, raw.seeds.get(raw.seeds.size() - 1));
        PosteriorSummary unscaled = PosteriorSummary.of(raw.sample(y, op, SAMPLES, 7, ProgressMonitor.NONE));
        assertSpreadAround(unscaled.mean(), unscaled.std(), drawn, scales);
        assertTrue(description.startsWith("miscalibrated, spread calibrated by held-out "), description);
    }

    @Test
    void findsTheErrorsSpreadThroughHeldOutViews() {
        try (NDManager m = NDManager.newBaseManager()) {
            ForwardOperator op = RayTransform.matrixFree(ParallelBeamGeometry.uniform(N, 40, 180));
            float[] truth = truths(1);
            checkScales(m, op, noisySinograms(m, op, truth), truth);
        }
    }

    @Test
    void findsTheErrorsSpreadThroughHeldOutLines() {
        try (NDManager m = NDManager.newBaseManager()) {
            SamplingMask mask = org.learnedrecon.acquisition.MriCartesianPhysics.mask(java.util.Map.of("physics",
                "mri-cartesian", "mask", "random", "acceleration", "4", "center", "0.08", "size",
                Integer.toString(N), "maskSeed", "2026"));
            CartesianMriOperator op = new CartesianMriOperator(m, mask);
            float[] truth = truths(2);
            NDArray x = m.create(truth, new Shape(2, 2, N, N));
            NDArray y = new ComplexGaussianNoise(0.01, 3).apply(op.apply(x), mask);
            checkScales(m, op, y, truth);
        }
    }

    /**
     * The evidence behind each scale: a mean that errs by 8 times the spread stands far above the held-out views'
     * noise; an exact mean misses them by their noise alone, so its evidence is a standard normal draw (|z| under 4)
     * and under {@link HeldOutCalibratedSampler#WEAK_EVIDENCE} but for a 3-sigma chance.
     */
    @Test
    void evidenceSaysWhenTheHeldOutResidualIsNoiseAlone() {
        try (NDManager m = NDManager.newBaseManager()) {
            ForwardOperator op = RayTransform.matrixFree(ParallelBeamGeometry.uniform(N, 40, 180));
            float[] truth = truths(1);
            NDArray y = noisySinograms(m, op, truth);
            try (HeldOutCalibratedSampler calibrated = new HeldOutCalibratedSampler(new Miscalibrated(truth,
                    new double[] {8, 0}, 0.01, 1e-4), op)) {
                calibrated.sample(y, op, SAMPLES, 7, ProgressMonitor.NONE);
                List<Double> evidence = calibrated.evidence();
                assertEquals(2, evidence.size());
                assertTrue(evidence.get(0) > 20, "an error of 8 spreads: " + evidence);
                assertTrue(Math.abs(evidence.get(1)) < 4 && evidence.get(1) < HeldOutCalibratedSampler.WEAK_EVIDENCE,
                    "an exact mean: " + evidence);
            }
        }
    }

    /**
     * Samples spread wider than their error are not narrowed: the scale's floor is 1 (a narrowing rests on a few
     * held-out views or lines and cost coverage on the held-out natural crops at MRI 8x, README).
     */
    @Test
    void neverNarrowsTheSpread() {
        try (NDManager m = NDManager.newBaseManager()) {
            ForwardOperator op = RayTransform.matrixFree(ParallelBeamGeometry.uniform(N, 40, 180));
            float[] truth = truths(1);
            NDArray y = noisySinograms(m, op, truth);
            try (HeldOutCalibratedSampler calibrated = new HeldOutCalibratedSampler(new Miscalibrated(truth, WIDE),
                    op)) {
                calibrated.sample(y, op, SAMPLES, 7, ProgressMonitor.NONE);
                assertEquals(List.of(1.0, 1.0), calibrated.scales());
            }
        }
    }

    /**
     * Chains from a choice ({@link HeldOutCalibratedSampler#aroundStart}): the samples keep the warm chains' mean and
     * borrow the chains from noise's spread, scaled to how far the choice's reconstruction from each fold's kept views
     * misses the held-out ones ({@link HeldOutChoice#heldOutMisses}, recorded when the warm chains run the choice).
     * The chosen candidate's error is white, 4 and 0.5 times the spread of the chains from noise per slice (the other
     * candidate's is ten times that), so the scales must come out near 4 and 0.5: this calibration narrows as well as
     * widens, but not under the warm chains' own spread (a tenth of the chains from noise's at first, then 0.8 of it,
     * which raises the second slice's 0.5 to 0.8). The spread is lent by the chains the folds ran, 4 samples each,
     * not by a run on all views. Noise-free views, so that the small error of the second slice is not lost in the
     * noise. Warm chains that do not run the choice are refused.
     */
    @Test
    void borrowsTheSpreadOfChainsFromNoiseScaledToTheChoicesError() {
        double[] startError = {4, 0.5};
        try (NDManager m = NDManager.newBaseManager()) {
            ForwardOperator op = RayTransform.matrixFree(ParallelBeamGeometry.uniform(N, 40, 180));
            float[] truth = truths(1);
            NDArray y = op.apply(m.create(truth, new Shape(2, N, N)));
            NDArray drawn;
            List<Double> scales;
            String description;
            Miscalibrated fromNoise = new Miscalibrated(truth, new double[] {2, 2}, 0);
            try (HeldOutChoice start = new HeldOutChoice(List.of(erring("start", truth, startError),
                    erring("ten times worse", truth, new double[] {40, 5})));
                 HeldOutCalibratedSampler calibrated = HeldOutCalibratedSampler.aroundStart(new StartedAt(start,
                     new Miscalibrated(truth, new double[] {1, 1}, 0, SPREAD / 10)), fromNoise, start, op)) {
                drawn = calibrated.sample(y, op, SAMPLES, 7, ProgressMonitor.NONE);
                scales = calibrated.scales();
                description = calibrated.description();
                assertEquals(List.of("start", "start"), start.choices());
            }
            for (int s = 0; s < 2; s++) {
                // E||r||^2 / spread = (startError^2 + 1/64) SPREAD^2 ||A_J||^2 over SPREAD^2 ||A_J||^2.
                double expected = Math.sqrt(startError[s] * startError[s] + 1.0 / 64);
                assertEquals(expected, scales.get(s), 0.12 * expected, "slice " + s + ", scales " + scales);
            }
            Miscalibrated warm = new Miscalibrated(truth, new double[] {1, 1}, 0, SPREAD / 10);
            // The folds' own samples lend the spread: the chains from noise ran once per fold and not on all views.
            assertEquals(List.of(7L + 1_000_003, 7L + 1_000_004), fromNoise.seeds);
            assertEquals(SAMPLES, drawn.getShape().get(0));
            PosteriorSummary result = PosteriorSummary.of(drawn);
            float[] expectedMean = PosteriorSummary.of(warm.sample(y, op, SAMPLES, 7, ProgressMonitor.NONE)).mean()
                .toFloatArray();
            float[] actualMean = result.mean().toFloatArray();
            float[] std = result.std().toFloatArray();
            int per = std.length / 2;
            double[] squared = new double[2];
            for (int i = 0; i < std.length; i++) {
                assertEquals(expectedMean[i], actualMean[i], 1e-5);
                squared[i / per] += (double) std[i] * std[i] / per;
            }
            for (int s = 0; s < 2; s++) {
                double expected = SPREAD * scales.get(s);
                assertEquals(expected, Math.sqrt(squared[s]), 0.05 * expected, "slice " + s);
            }
            assertTrue(description.startsWith("miscalibrated, spread of miscalibrated scaled to the start's error on "
                + "held-out views"), description);
            try (HeldOutChoice start = new HeldOutChoice(List.of(erring("start", truth, startError),
                    erring("ten times worse", truth, new double[] {40, 5})));
                 HeldOutCalibratedSampler floored = HeldOutCalibratedSampler.aroundStart(new StartedAt(start,
                     new Miscalibrated(truth, new double[] {1, 1}, 0, 0.8 * SPREAD)), fromNoise, start, op);
                 HeldOutCalibratedSampler unstarted = HeldOutCalibratedSampler.aroundStart(warm, fromNoise, start,
                     op)) {
                floored.sample(y, op, SAMPLES, 7, ProgressMonitor.NONE);
                assertEquals(scales.get(0), floored.scales().get(0), 1e-9);
                assertEquals(0.8, floored.scales().get(1), 0.04);
                // 3 samples from two folds of 2: the first 3 of the 4 pooled deviations.
                NDArray three = floored.sample(y, op, 3, 7, ProgressMonitor.NONE);
                assertEquals(3, three.getShape().get(0));
                float[] threeMean = PosteriorSummary.of(three).mean().toFloatArray();
                float[] warmThree = PosteriorSummary.of(new Miscalibrated(truth, new double[] {1, 1}, 0, 0.8 * SPREAD)
                    .sample(y, op, 3, 7, ProgressMonitor.NONE)).mean().toFloatArray();
                for (int i = 0; i < threeMean.length; i += 97) {
                    assertEquals(warmThree[i], threeMean[i], 1e-5);
                }
                IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> unstarted.sample(y, op, SAMPLES, 7, ProgressMonitor.NONE));
                assertTrue(e.getMessage().contains("must start at the choice"), e.getMessage());
            }
        }
    }

    /**
     * A candidate whose reconstruction is the mean of 64 samples of {@link Miscalibrated} with these {@code errors}
     * (seed 0): truth + e with e of spread {@code errors} x SPREAD, whatever views it is given.
     */
    private static HeldOutChoice.Candidate erring(String name, float[] truth, double[] errors) {
        return HeldOutChoice.classical(name, new org.learnedrecon.solvers.Solver() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public NDArray reconstruct(NDArray measurements, ForwardOperator operator, ProgressMonitor p) {
                return new Miscalibrated(truth, errors).sample(measurements, operator, 64, 0, p).mean(new int[] {0});
            }
        });
    }

    /** Chains that run {@code start} on the measurements first, as warm chains do, then sample as {@code chains}. */
    private record StartedAt(HeldOutChoice start, PosteriorSampler chains) implements PosteriorSampler {
        @Override
        public NDArray sample(NDArray measurements, ForwardOperator operator, int samples, long seed,
            ProgressMonitor progress) {
            start.reconstruct(measurements, operator, progress).close();
            return chains.sample(measurements, operator, samples, seed, progress);
        }

        @Override
        public String description() {
            return chains.description();
        }

        @Override
        public double noiseLevel() {
            return chains.noiseLevel();
        }
    }

    @Test
    void refusesAcquisitionsWithoutASplitAndSingleSamples() {
        try (NDManager m = NDManager.newBaseManager()) {
            float[] truth = truths(1);
            ForwardOperator fan = RayTransform.matrixFree(FanBeamGeometry.uniform360(N, 40, 2.0 * N, 3.0 * N,
                FanBeamGeometry.DetectorShape.FLAT));
            NDArray y = fan.apply(m.create(truth, new Shape(2, N, N)));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new HeldOutCalibratedSampler(new Miscalibrated(truth), fan));
            assertTrue(e.getMessage().contains("parallel-beam"), e.getMessage());
            ForwardOperator op = RayTransform.matrixFree(ParallelBeamGeometry.uniform(N, 40, 180));
            NDArray y2 = op.apply(m.create(truth, new Shape(2, N, N)));
            try (HeldOutCalibratedSampler calibrated = new HeldOutCalibratedSampler(new Miscalibrated(truth), op)) {
                e = assertThrows(IllegalArgumentException.class,
                    () -> calibrated.sample(y2, op, 1, 1, ProgressMonitor.NONE));
                assertTrue(e.getMessage().contains("samples=1"), e.getMessage());
                // Another acquisition without a split is refused when sampled.
                e = assertThrows(IllegalArgumentException.class,
                    () -> calibrated.sample(y, fan, SAMPLES, 1, ProgressMonitor.NONE));
                assertTrue(e.getMessage().contains("parallel-beam"), e.getMessage());
            }
        }
    }
}
