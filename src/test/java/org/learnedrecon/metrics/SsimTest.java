package org.learnedrecon.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** SSIM agrees with scikit-image 0.19 on committed fixtures (uniform 7x7 and Gaussian windows) and rejects bad input. */
class SsimTest {

    /** skimage in float64 on the same float32 inputs: only summation order differs from ours. */
    private static final double TOLERANCE_FLOAT64 = 1e-9;
    /** skimage in float32 arithmetic (its behaviour for float32 images): float32 rounding in the local moments. */
    private static final double TOLERANCE_FLOAT32 = 1e-5;

    @Test
    void matchesScikitImageUniformAndGaussianWindows() throws IOException {
        List<MetricFixtures.Case> cases = MetricFixtures.cases();
        assertEquals(6, cases.size());
        for (MetricFixtures.Case c : cases) {
            double tol = c.float32Arithmetic ? TOLERANCE_FLOAT32 : TOLERANCE_FLOAT64;
            assertEquals(c.ssimUniform, Ssim.uniform().compute(c.truth, c.test, c.height, c.width, c.dataRange), tol,
                "uniform 7x7, " + c);
            if (Double.isNaN(c.ssimGaussianSample)) {
                continue;
            }
            assertEquals(c.ssimGaussianSample, Ssim.gaussian().compute(c.truth, c.test, c.height, c.width,
                c.dataRange), tol, "gaussian sigma 1.5, sample covariance, " + c);
            assertEquals(c.ssimGaussianPopulation, Ssim.gaussian().withSampleCovariance(false).compute(c.truth,
                c.test, c.height, c.width, c.dataRange), tol, "gaussian sigma 1.5, population covariance, " + c);
        }
    }

    @Test
    void gaussianWindowHasElevenTapsAsInWangEtAl() {
        assertEquals(11, Ssim.gaussian().windowSize());
        assertEquals(7, Ssim.uniform().windowSize());
    }

    @Test
    void identicalImagesGiveOneAndBatchMatchesSingle() throws IOException {
        MetricFixtures.Case c = MetricFixtures.cases().get(0);
        assertEquals(1.0, Ssim.uniform().compute(c.truth, c.truth, c.height, c.width, c.dataRange), 1e-12);
        try (NDManager manager = NDManager.newBaseManager()) {
            float[] both = new float[2 * c.truth.length];
            float[] bothTest = new float[2 * c.truth.length];
            System.arraycopy(c.truth, 0, both, 0, c.truth.length);
            System.arraycopy(c.test, 0, both, c.truth.length, c.truth.length);
            System.arraycopy(c.test, 0, bothTest, 0, c.truth.length);
            System.arraycopy(c.test, 0, bothTest, c.truth.length, c.truth.length);
            NDArray truth = manager.create(both, new Shape(2, c.height, c.width));
            NDArray test = manager.create(bothTest, new Shape(2, c.height, c.width));
            double[] values = Ssim.gaussian().compute(truth, test, c.dataRange);
            assertArrayEquals(new double[] {c.ssimGaussianSample, 1.0}, values, TOLERANCE_FLOAT32);
            assertArrayEquals(both, truth.toFloatArray(), 0f, "input unchanged");
        }
    }

    @Test
    void reflectBoundaryIsHalfSampleSymmetric() {
        // scipy 'reflect': d c b a | a b c d | d c b a
        assertEquals(0, Ssim.reflect(-1, 4));
        assertEquals(3, Ssim.reflect(-4, 4));
        assertEquals(3, Ssim.reflect(4, 4));
        assertEquals(0, Ssim.reflect(7, 4));
        assertEquals(0, Ssim.reflect(8, 4));
    }

    @Test
    void badInputIsRejectedWithTheReason() {
        float[] a = new float[64];
        float[] b = new float[64];
        Ssim ssim = Ssim.uniform();
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ssim.compute(a, new float[63], 8, 8, 1))
            .getMessage().contains("8x8"));
        b[10] = Float.NaN;
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ssim.compute(a, b, 8, 8, 1))
            .getMessage().contains("non-finite"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ssim.compute(a, a, 8, 8, 0))
            .getMessage().contains("data_range"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ssim.compute(a, a, 8, 8, -1))
            .getMessage().contains("data_range"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Ssim.gaussian().compute(a, a, 8, 8, 1))
            .getMessage().contains("exceeds"));
        assertThrows(IllegalArgumentException.class, () -> Ssim.uniform(4));
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray x = manager.zeros(new Shape(2, 8, 8));
            NDArray y = manager.zeros(new Shape(2, 8, 9));
            assertTrue(assertThrows(IllegalArgumentException.class, () -> ssim.compute(x, y, 1.0))
                .getMessage().contains("same shape"));
        }
    }
}
