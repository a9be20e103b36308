package org.learnedrecon.solvers.mri;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link WaveletSoftThreshold} is the proximal map of {@code lambda ||W x||_1} (complex magnitude of each
 * coefficient): it soft-thresholds the wavelet coefficients, has the analytic value on a constant image, and beats
 * every perturbation on the prox objective {@code 1/2 ||x - v||^2 + step lambda ||W x||_1}.
 */
class WaveletSoftThresholdTest {

    private static final int H = 16;
    private static final int W = 32;

    @Test
    void softThresholdsTheComplexWaveletCoefficients() {
        for (boolean coarse : new boolean[] {true, false}) {
            WaveletSoftThreshold prox = new WaveletSoftThreshold(0.8, OrthogonalWavelet.DAUBECHIES_4, 4, coarse);
            int levels = prox.levels(H, W);
            assertEquals(2, levels, "16 x 32 down to a coarse band of at least 4: 4 x 8 after 2 levels");
            float[] v = randomImages(2, 7);
            try (NDManager m = NDManager.newBaseManager()) {
                NDArray input = m.create(v, new Shape(2, 2, H, W));
                float[] out = prox.prox(input, 0.5).toFloatArray();
                assertArrayEquals(v, input.toFloatArray(), 0f, "input unchanged");
                double threshold = 0.5 * 0.8;
                int plane = H * W;
                int thresholded = 0;
                for (int b = 0; b < 2; b++) {
                    float[][] in = coefficients(v, b, levels);
                    float[][] res = coefficients(out, b, levels);
                    for (int p = 0; p < plane; p++) {
                        boolean inCoarse = p / W < H >> levels && p % W < W >> levels;
                        double mag = Math.hypot(in[0][p], in[1][p]);
                        double scale = !coarse && inCoarse ? 1 : Math.max(mag - threshold, 0) / mag;
                        thresholded += scale == 0 ? 1 : 0;
                        assertEquals(in[0][p] * scale, res[0][p], 1e-5, "real coefficient " + p);
                        assertEquals(in[1][p] * scale, res[1][p], 1e-5, "imaginary coefficient " + p);
                    }
                }
                assertTrue(thresholded > plane / 4 && thresholded < 2 * plane - plane / 4,
                    "the threshold must zero some coefficients and keep others: " + thresholded);
            }
        }
    }

    /**
     * Haar, one level, 2 x 2 image {@code c (1 + i)} everywhere: the only non-zero coefficient is the coarse one,
     * {@code 2c (1 + i)} of magnitude {@code 2 sqrt(2) c}; shrinking it by {@code T} gives the constant image
     * {@code c (1 + i) (1 - T / (2 sqrt(2) c))}, or zero once {@code T >= 2 sqrt(2) c}.
     */
    @Test
    void constantImageShrinksByTheAnalyticFactor() {
        float c = 1.5f;
        double magnitude = 2 * Math.sqrt(2) * c;
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray v = m.full(new Shape(1, 2, 2, 2), c);
            for (double lambda : new double[] {0, 1, 3, 10}) {
                WaveletSoftThreshold prox = new WaveletSoftThreshold(lambda, OrthogonalWavelet.HAAR, 1, true);
                double expected = c * Math.max(1 - 0.4 * lambda / magnitude, 0);
                float[] out = prox.prox(v, 0.4).toFloatArray();
                for (float value : out) {
                    assertEquals(expected, value, 1e-6, "lambda " + lambda);
                }
                // the coarse band left alone: nothing else to shrink, the image comes back unchanged
                float[] kept = new WaveletSoftThreshold(lambda, OrthogonalWavelet.HAAR, 1, false).prox(v, 0.4)
                    .toFloatArray();
                assertArrayEquals(v.toFloatArray(), kept, 1e-6f, "lambda " + lambda);
            }
        }
    }

    @Test
    void minimisesTheProxObjectiveBetterThanPerturbations() {
        double lambda = 0.6;
        double step = 0.7;
        WaveletSoftThreshold prox = new WaveletSoftThreshold(lambda, OrthogonalWavelet.DAUBECHIES_4, 4, true);
        int levels = prox.levels(H, W);
        float[] v = randomImages(1, 11);
        try (NDManager m = NDManager.newBaseManager()) {
            float[] p = prox.prox(m.create(v, new Shape(1, 2, H, W)), step).toFloatArray();
            double best = proxObjective(p, v, step * lambda, levels);
            double atInput = proxObjective(v, v, step * lambda, levels);
            assertTrue(best < atInput - 1, "prox " + best + " vs the input itself " + atInput);
            Random random = new Random(3);
            for (double eps : new double[] {1e-1, 1e-2, 1e-3}) {
                List<float[]> perturbations = new ArrayList<>();
                // along the two directions a wrong threshold would err in: scaling p, and towards/away from v
                for (double sign : new double[] {-1, 1}) {
                    float[] scaled = p.clone();
                    float[] towardsInput = p.clone();
                    for (int i = 0; i < p.length; i++) {
                        scaled[i] += (float) (sign * eps * p[i]);
                        towardsInput[i] += (float) (sign * eps * (v[i] - p[i]));
                    }
                    perturbations.add(scaled);
                    perturbations.add(towardsInput);
                }
                for (int trial = 0; trial < 20; trial++) {
                    float[] q = p.clone();
                    for (int i = 0; i < q.length; i++) {
                        q[i] += (float) (eps * random.nextGaussian());
                    }
                    perturbations.add(q);
                }
                for (float[] q : perturbations) {
                    double perturbed = proxObjective(q, v, step * lambda, levels);
                    // strongly convex: F(q) >= F(p) + 1/2 ||q - p||^2 (10 % and 1e-4 slack for float32 rounding)
                    assertTrue(perturbed >= best + 0.5 * squaredDistance(q, p) * 0.9 - 1e-4,
                        "eps " + eps + ": perturbed " + perturbed + " < prox " + best);
                }
            }
        }
    }

    @Test
    void rejectsWhatIsNotABatchOfComplexImages() {
        WaveletSoftThreshold prox = new WaveletSoftThreshold(0.1, OrthogonalWavelet.HAAR, 2, true);
        try (NDManager m = NDManager.newBaseManager()) {
            String message = assertThrows(IllegalArgumentException.class,
                () -> prox.prox(m.zeros(new Shape(1, 3, 8, 8)), 1)).getMessage();
            assertTrue(message.contains("(B, 2, H, W)") && message.contains("(1, 3, 8, 8)"), message);
        }
        String lambda = assertThrows(IllegalArgumentException.class,
            () -> new WaveletSoftThreshold(-1, OrthogonalWavelet.HAAR, 2, true)).getMessage();
        assertTrue(lambda.contains("lambda") && lambda.contains("-1"), lambda);
    }

    /** {@code 1/2 ||x - v||^2 + threshold sum_k |(W x_re)_k + i (W x_im)_k|}, in double. */
    private static double proxObjective(float[] x, float[] v, double threshold, int levels) {
        float[][] c = coefficients(x, 0, levels);
        double l1 = 0;
        for (int p = 0; p < c[0].length; p++) {
            l1 += Math.hypot(c[0][p], c[1][p]);
        }
        return 0.5 * squaredDistance(x, v) + threshold * l1;
    }

    private static double squaredDistance(float[] a, float[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += (double) (a[i] - b[i]) * (a[i] - b[i]);
        }
        return sum;
    }

    /** Daubechies-4 coefficients of the real and imaginary planes of sample {@code b} of {@code (B, 2, H, W)}. */
    private static float[][] coefficients(float[] images, int b, int levels) {
        int plane = H * W;
        float[] re = new float[plane];
        float[] im = new float[plane];
        System.arraycopy(images, 2 * b * plane, re, 0, plane);
        System.arraycopy(images, (2 * b + 1) * plane, im, 0, plane);
        OrthogonalWavelet.DAUBECHIES_4.forward(re, H, W, levels);
        OrthogonalWavelet.DAUBECHIES_4.forward(im, H, W, levels);
        return new float[][] {re, im};
    }

    /** Smooth ramp plus Gaussian noise, so coefficients span both sides of the threshold. */
    private static float[] randomImages(int batch, long seed) {
        Random random = new Random(seed);
        float[] v = new float[batch * 2 * H * W];
        for (int i = 0; i < v.length; i++) {
            int pixel = i % (H * W);
            v[i] = (float) (0.05 * (pixel % W) + 0.5 * random.nextGaussian());
        }
        return v;
    }
}
