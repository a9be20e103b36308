package org.learnedrecon.physics.mri;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

/** The centred unitary FFT against BART v0.8 {@code fft -u [-i] 3} (fixture made by make_mri_fixtures.py). */
class CenteredFftTest {

    @Test
    void forwardAndInverseMatchBart() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = MriFixtures.load(m, "fft_in");
            assertEquals(new Shape(2, 16, 12), x.getShape());
            float[] bartForward = MriFixtures.load(m, "fft_u").toFloatArray();
            float[] bartInverse = MriFixtures.load(m, "fft_ui").toFloatArray();
            assertArrayEquals(bartForward, CenteredFft.forward(x).toFloatArray(), 1e-5f);
            assertArrayEquals(bartInverse, CenteredFft.inverse(x).toFloatArray(), 1e-5f);
        }
    }

    @Test
    void unitaryAndInverseOnOddSizes() {
        try (NDManager m = NDManager.newBaseManager()) {
            m.getEngine().setRandomSeed(3);
            NDArray x = m.randomNormal(new Shape(2, 2, 7, 9));
            NDArray k = CenteredFft.forward(x);
            assertEquals(x.norm().getFloat(), k.norm().getFloat(), 1e-4f);
            assertArrayEquals(x.toFloatArray(), CenteredFft.inverse(k).toFloatArray(), 1e-5f);
        }
    }

    @Test
    void oddAndMixedSizesMatchDirectCentredDft() {
        int[][] sizes = {{5, 6}, {7, 9}, {6, 8}};
        for (int[] hw : sizes) {
            int h = hw[0];
            int w = hw[1];
            try (NDManager m = NDManager.newBaseManager()) {
                m.getEngine().setRandomSeed(h * 31 + w);
                NDArray x = m.randomNormal(new Shape(2, h, w));
                float[] v = x.toFloatArray();
                float[] k = CenteredFft.forward(x).toFloatArray();
                // centred DFT: K[p, q] = sum x[a, b] exp(-2 pi i ((p - h/2)(a - h/2) / h + (q - w/2)(b - w/2) / w))
                // / sqrt(h w), with integer division h/2 (index floor(n/2) is the origin)
                for (int p = 0; p < h; p++) {
                    for (int q = 0; q < w; q++) {
                        double re = 0;
                        double im = 0;
                        for (int a = 0; a < h; a++) {
                            for (int b = 0; b < w; b++) {
                                double phase = -2 * Math.PI * ((double) (p - h / 2) * (a - h / 2) / h
                                    + (double) (q - w / 2) * (b - w / 2) / w);
                                double xr = v[a * w + b];
                                double xi = v[h * w + a * w + b];
                                re += xr * Math.cos(phase) - xi * Math.sin(phase);
                                im += xr * Math.sin(phase) + xi * Math.cos(phase);
                            }
                        }
                        double scale = Math.sqrt(h * w);
                        assertEquals(re / scale, k[p * w + q], 1e-4, h + "x" + w);
                        assertEquals(im / scale, k[h * w + p * w + q], 1e-4, h + "x" + w);
                    }
                }
            }
        }
    }

    @Test
    void dcOfConstantImageSitsAtCentre() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.zeros(new Shape(2, 6, 8));
            x.set(new ai.djl.ndarray.index.NDIndex("0, :, :"), 1f);
            NDArray k = CenteredFft.forward(x);
            // sum of 48 ones, unitary: 48 / sqrt(48)
            assertEquals(Math.sqrt(48), k.getFloat(0, 3, 4), 1e-5);
            assertEquals(Math.sqrt(48), k.norm().getFloat(), 1e-4);
        }
    }

    @Test
    void rejectsNonComplexLayout() {
        try (NDManager m = NDManager.newBaseManager()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CenteredFft.forward(m.zeros(new Shape(3, 4, 4))));
            assertEquals(true, e.getMessage().contains("(..., 2, H, W)"));
        }
    }
}
