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
        final List<Long> seeds = new java.util.ArrayList<>();

        Miscalibrated(float[] truth) {
            this(truth, ERROR);
        }

        Miscalibrated(float[] truth, double[] errors) {
            this.truth = truth;
            this.errors = errors;
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
                            + (float) (SPREAD * noise.nextGaussian());
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
            return 0.01;
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

    private static void checkScales(NDManager m, ForwardOperator op, NDArray y, float[] truth) {
        checkScales(m, op, y, truth, false);
    }

    private static void checkScales(NDManager m, ForwardOperator op, NDArray y, float[] truth, boolean nextToWedge) {
        Miscalibrated raw = new Miscalibrated(truth);
        List<Double> scales;
        NDArray drawn;
        String description;
        try (HeldOutCalibratedSampler calibrated = new HeldOutCalibratedSampler(raw, op, nextToWedge)) {
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
        PosteriorSummary scaled = PosteriorSummary.of(drawn);
        float[] mean0 = unscaled.mean().toFloatArray();
        float[] mean1 = scaled.mean().toFloatArray();
        float[] std0 = unscaled.std().toFloatArray();
        float[] std1 = scaled.std().toFloatArray();
        int per = std0.length / 2;
        for (int i = 0; i < std0.length; i += 97) {
            assertEquals(mean0[i], mean1[i], 1e-5);
            assertEquals(std0[i] * scales.get(i / per), std1[i], 1e-4 + 1e-3 * std1[i]);
        }
        assertTrue(description.startsWith("miscalibrated, spread calibrated by held-out "), description);
        assertEquals(nextToWedge, description.endsWith("views next to the missing wedge"), description);
    }

    /**
     * Every 10th view held out of a full scan; at limited angle, for chains started at a reconstruction, the views
     * next to the missing wedge ({@link HeldOutViews#ends}): the error here is white, so both find the same ratio.
     */
    @Test
    void findsTheErrorsSpreadThroughHeldOutViews() {
        for (double range : new double[] {180, 120}) {
            try (NDManager m = NDManager.newBaseManager()) {
                ForwardOperator op = RayTransform.matrixFree(ParallelBeamGeometry.uniform(N, 40, range));
                float[] truth = truths(1);
                NDArray x = m.create(truth, new Shape(2, N, N));
                NDArray y = new GaussianNoise(0.01, 3).apply(op.apply(x));
                checkScales(m, op, y, truth, range < 180);
            }
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
     * Samples spread wider than their error are not narrowed: the scale's floor is 1 (a narrowing rests on a few
     * held-out views or lines and cost coverage on the held-out natural crops at MRI 8x, README).
     */
    @Test
    void neverNarrowsTheSpread() {
        try (NDManager m = NDManager.newBaseManager()) {
            ForwardOperator op = RayTransform.matrixFree(ParallelBeamGeometry.uniform(N, 40, 180));
            float[] truth = truths(1);
            NDArray y = new GaussianNoise(0.01, 3).apply(op.apply(m.create(truth, new Shape(2, N, N))));
            try (HeldOutCalibratedSampler calibrated = new HeldOutCalibratedSampler(new Miscalibrated(truth, WIDE),
                    op)) {
                calibrated.sample(y, op, SAMPLES, 7, ProgressMonitor.NONE);
                assertEquals(List.of(1.0, 1.0), calibrated.scales());
            }
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
