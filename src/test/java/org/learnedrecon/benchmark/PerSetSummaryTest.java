package org.learnedrecon.benchmark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The per-set view of the comparison's rows: labels lose their per-set lambda or choice counts, tuned TV on a set is
 * the best TV row there, and each solver's worst margin is taken over the sets.
 */
class PerSetSummaryTest {

    private static SolverComparison.Row row(String scenario, String set, String solver, double psnr) {
        return new SolverComparison.Row(scenario, set, solver, psnr, 0.9, 0.1);
    }

    @Test
    void perSetLabelsLoseWhatChangesFromSetToSet() {
        assertEquals("TV 100", PerSetSummary.solver("TV 100 (best lambda 0.25)"));
        assertEquals("TV 100", PerSetSummary.solver("TV 100 (lambda 1)"));
        assertEquals("TV 100, lambda fits the noise",
            PerSetSummary.solver("TV 100, lambda fits the noise (geometric mean lambda 2.0e+03)"));
        assertEquals("Choice by held-out views", PerSetSummary.solver(
            "Choice by held-out views (chosen: TV 0.5 3, dncnn-s05 5; weighted means on 2 of 8 slices)"));
        assertEquals("PnP dncnn-fast from fbp", PerSetSummary.solver("PnP dncnn-fast from fbp"));
        assertTrue(PerSetSummary.isTv("TV 100, real image"));
        assertFalse(PerSetSummary.isTv("LGD lgd-ct30"));
    }

    @Test
    void eachSolverIsScoredAgainstTheBestTvOfEachSet() {
        String s = "CT 30 views";
        String m = "MRI 8x";
        String table = PerSetSummary.markdown(List.of(
            row(s, "val", "TV 100 (best lambda 0.5)", 27.0), row(s, "val", "LGD a", 30.0),
            row(s, "natural", "TV 100 (best lambda 4)", 40.0), row(s, "natural", "LGD a", 31.0),
            row(m, "val", "TV 100 (best lambda 0.01)", 17.0), row(m, "val", "TV 100, real image (best lambda 0.01)",
                17.5), row(m, "val", "PnP b", 18.0), row(m, "atlas", "TV 100 (best lambda 0.02)", 24.0),
            row(m, "atlas", "TV 100, real image (best lambda 0.02)", 23.0), row(m, "atlas", "PnP b", 23.9),
            row(m, "atlas", "U-Net c", 20.0)));
        String[] lines = table.split("\n");
        assertEquals("", lines[0]);
        assertEquals("| CT 30 views | val | natural | mean | worst set - tuned TV (dB) |", lines[1]);
        assertEquals("|---|---|---|---|---|", lines[2]);
        assertEquals("| TV 100 | 27.00 | 40.00 | 33.50 | +0.00 |", lines[3]);
        // Above TV on val (+3), 9 dB under it on natural: the worst set decides.
        assertEquals("| LGD a | 30.00 | 31.00 | 30.50 | -9.00 |", lines[4]);
        assertEquals("", lines[5]);
        assertEquals("| MRI 8x | val | atlas | mean | worst set - tuned TV (dB) |", lines[6]);
        // Tuned TV is real-image TV on val (17.5) and complex TV on the atlas (24.0).
        assertEquals("| TV 100 | 17.00 | 24.00 | 20.50 | -0.50 |", lines[8]);
        assertEquals("| TV 100, real image | 17.50 | 23.00 | 20.25 | -1.00 |", lines[9]);
        assertEquals("| PnP b | 18.00 | 23.90 | 20.95 | -0.10 |", lines[10]);
        // Missing from a set: no mean and no margin.
        assertEquals("| U-Net c | - | 20.00 | - | - |", lines[11]);
        assertEquals(12, lines.length);
    }
}
