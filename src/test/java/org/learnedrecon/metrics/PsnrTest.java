package org.learnedrecon.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/** PSNR agrees with scikit-image's peak_signal_noise_ratio on committed fixtures, an analytic case, and bad input. */
class PsnrTest {

    @Test
    void matchesScikitImage() throws IOException {
        for (MetricFixtures.Case c : MetricFixtures.cases()) {
            assertEquals(c.psnr, Psnr.compute(c.truth, c.test, c.height, c.width, c.dataRange), 1e-6, c.toString());
        }
    }

    @Test
    void analyticValueAndIdenticalImages() {
        // every pixel off by 0.1 with data range 1: MSE 0.01, PSNR = 10 log10(1 / 0.01) = 20 dB
        float[] a = new float[12];
        float[] b = new float[12];
        java.util.Arrays.fill(b, 0.1f);
        assertEquals(20.0, Psnr.compute(a, b, 3, 4, 1.0), 1e-5);
        assertEquals(Double.POSITIVE_INFINITY, Psnr.compute(a, a, 3, 4, 1.0));
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray x = manager.create(new float[] {0, 0, 0, 0, 1, 1, 1, 1}, new Shape(2, 2, 2));
            NDArray y = manager.create(new float[] {0.1f, 0.1f, 0.1f, 0.1f, 1, 1, 1, 1.2f}, new Shape(2, 2, 2));
            double[] p = Psnr.compute(x, y, 2.0);
            assertEquals(10 * Math.log10(4 / 0.01), p[0], 1e-4);
            assertEquals(10 * Math.log10(4 / (0.04 / 4)), p[1], 1e-4);
        }
    }

    @Test
    void badInputIsRejectedWithTheReason() {
        float[] a = new float[6];
        float[] b = new float[6];
        b[3] = Float.POSITIVE_INFINITY;
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Psnr.compute(a, b, 2, 3, 1))
            .getMessage().contains("row 1, column 0"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Psnr.compute(a, new float[5], 2, 3, 1))
            .getMessage().contains("2x3"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Psnr.compute(a, a, 2, 3, 0))
            .getMessage().contains("data_range"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Psnr.compute(a, a, 2, 3, Double.NaN))
            .getMessage().contains("data_range"));
    }
}
