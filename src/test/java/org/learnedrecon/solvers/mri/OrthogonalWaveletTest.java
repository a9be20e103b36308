package org.learnedrecon.solvers.mri;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.junit.jupiter.api.Test;

class OrthogonalWaveletTest {

    @Test
    void perfectReconstructionAndEnergyPreservation() {
        for (OrthogonalWavelet wavelet : OrthogonalWavelet.values()) {
            Random random = new Random(1);
            float[] x = new float[32 * 48];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) random.nextGaussian();
            }
            float[] c = x.clone();
            wavelet.forward(c, 32, 48, 3);
            assertEquals(energy(x), energy(c), 1e-3 * energy(x), wavelet.name());
            wavelet.inverse(c, 32, 48, 3);
            assertArrayEquals(x, c, 1e-5f, wavelet.name());
        }
    }

    @Test
    void constantImageHasOnlyCoarseCoefficients() {
        for (OrthogonalWavelet wavelet : OrthogonalWavelet.values()) {
            float[] x = new float[16 * 16];
            java.util.Arrays.fill(x, 3f);
            wavelet.forward(x, 16, 16, 2);
            // each level multiplies a constant by sqrt(2) per direction, i.e. by 2: 3 * 4 in the 4x4 coarse band
            for (int r = 0; r < 16; r++) {
                for (int c = 0; c < 16; c++) {
                    assertEquals(r < 4 && c < 4 ? 12f : 0f, x[r * 16 + c], 1e-5f);
                }
            }
        }
    }

    @Test
    void levelsAndSizeChecks() {
        assertEquals(3, OrthogonalWavelet.levelsFor(128, 128, 16, 8));
        assertEquals(4, OrthogonalWavelet.levelsFor(256, 256, 16, 8));
        assertEquals(0, OrthogonalWavelet.levelsFor(30, 17, 8, 8));
        assertThrows(IllegalArgumentException.class, () -> OrthogonalWavelet.HAAR.forward(new float[12 * 12], 12, 12, 3));
    }

    private static double energy(float[] v) {
        double s = 0;
        for (float f : v) {
            s += f * (double) f;
        }
        return s;
    }
}
