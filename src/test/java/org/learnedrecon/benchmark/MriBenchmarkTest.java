package org.learnedrecon.benchmark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** A small run of the benchmark without BART: one table row per solver (L1-wavelet, TV), with a plausible PSNR. */
class MriBenchmarkTest {

    @Test
    void singleAndMultiCoilRowsWithoutBart() throws Exception {
        for (int coils : new int[] {0, 4}) {
            List<String> rows = MriBenchmark.runCase(64, coils, 10, false);
            assertEquals(2, rows.size(), "L1-wavelet and TV rows");
            String[] solvers = {"L1-wavelet 10 it", "TV 10 it"};
            for (int r = 0; r < 2; r++) {
                String[] cells = rows.get(r).split("\\|");
                assertTrue(cells[2].contains(solvers[r]), rows.get(r));
                double psnr = Double.parseDouble(cells[7].trim());
                assertTrue(psnr > 12 && psnr < 60, "PSNR " + psnr); // 64^2, 4x lines, 20 it: 16.5 dB single-coil
                assertEquals("", cells[5].trim()); // no BART time
            }
        }
    }

    @Test
    void sheppLoganHasTheModifiedIntensities() {
        float[] v = MriBenchmark.SheppLogan.image(128);
        // centre pixel (just below the middle of the two small central ellipses): 1 - 0.8 = 0.2
        assertEquals(0.2f, v[64 * 128 + 64], 1e-6f);
        assertEquals(0f, v[0], 0f);
    }
}
