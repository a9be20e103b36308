package org.learnedrecon.benchmark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.learnedrecon.runtime.DeepLearningRuntime;

/**
 * Runs the comparison on 2 brain slices (the committed CT reference fixture), Shepp-Logan and 2 ellipse phantoms
 * with few iterations: every row present in order, finite metrics, and the learned solvers ahead of their
 * classical starting points on the brain slices they were trained for. Of the models given, only those whose physics
 * fit a scenario get rows (lgd-ct60 fits neither CT 30 views nor MRI). With {@code choice=true} the CT scenarios end
 * with TV fitting the noise and plug-and-play chosen per slice by held-out views, the MRI ones with TV and the same
 * lgd-mri8 chosen by held-out lines (of the choice's models, as of {@code models=}, those that do not fit are
 * skipped).
 */
class SolverComparisonTest {

    private static SolverComparison comparison;
    private static List<SolverComparison.Row> rows;

    @BeforeAll
    static void run() {
        comparison = new SolverComparison(SolverComparison.parse("valTiff=test-data/ct/reference.tif", "valSlices=2",
            "ellipses=2", "sirtIterations=5", "tvIterations=5", "mriIterations=5", "tvLambdas=0.3,1",
            "mriTvLambdas=0.005", "models=lgd-ct60,lgd-ct30,lgd-mri8", "choice=true", "choiceModels=dncnn-s05,lgd-mri8"));
        rows = DeepLearningRuntime.call(comparison::run);
    }

    @Test
    void everyScenarioSetAndSolverHasOneRowInOrder() {
        List<String> expected = new ArrayList<>();
        for (String set : List.of("val", "shepp", "ellipses")) {
            for (String solver : List.of("FBP (Hann)", "SIRT 5", "TV 5 (best lambda ",
                "TV 5, lambda fits the noise (geometric mean lambda ", "LGD lgd-ct30",
                "Choice by held-out views (chosen: TV lambda 0.25 ")) {
                expected.add("CT 30 views, 1% noise|" + set + "|" + solver);
            }
        }
        for (String set : List.of("val", "shepp", "ellipses")) {
            for (String solver : List.of("Zero-filled", "TV 5 (lambda 0.005)", "TV 5, real image (lambda 0.005)",
                "Wavelet 5 (lambda 5.0E-4)", "LGD lgd-mri8", "Choice by held-out lines (chosen: TV lambda 0.002 ")) {
                expected.add("MRI 8x random lines, 1% noise|" + set + "|" + solver);
            }
        }
        assertEquals(expected.size(), rows.size());
        for (int i = 0; i < rows.size(); i++) {
            SolverComparison.Row r = rows.get(i);
            String actual = r.scenario() + "|" + r.testSet() + "|" + r.solver();
            assertTrue(actual.startsWith(expected.get(i)), "row " + i + ": expected " + expected.get(i) + ", got "
                + actual);
        }
        // The choice's label counts every slice once: 2 brain slices, 1 Shepp-Logan, 2 ellipses (the last count
        // before "; weighted means on k of n slices)").
        Map<String, Integer> slices = Map.of("val", 2, "shepp", 1, "ellipses", 2);
        for (SolverComparison.Row r : rows) {
            if (r.solver().startsWith("Choice")) {
                int counted = java.util.regex.Pattern.compile(" (\\d+)(,|;)").matcher(r.solver()).results()
                    .mapToInt(m -> Integer.parseInt(m.group(1))).sum();
                assertEquals(slices.get(r.testSet()), counted, r.solver());
                assertTrue(r.solver().endsWith("; weighted means on 0 of " + slices.get(r.testSet()) + " slices)"),
                    r.solver());
            }
        }
        // The swept TV row names the winning lambda, one of those given.
        assertTrue(rows.get(2).solver().matches("TV 5 \\(best lambda (0\\.3|1)\\)"), rows.get(2).solver());
    }

    @Test
    void metricsAreFiniteAndInRange() {
        for (SolverComparison.Row r : rows) {
            assertTrue(r.psnr() > 5 && r.psnr() < 80, r + ": PSNR out of range");
            assertTrue(r.ssim() > -1 && r.ssim() <= 1, r + ": SSIM out of range");
            assertTrue(Double.isFinite(r.secondsPerSlice()) && r.secondsPerSlice() >= 0, r + ": bad time");
        }
    }

    @Test
    void learnedSolversBeatTheirStartingPointOnBrainSlices() {
        // In-distribution images (the MRI mask, seed 2026, is not one lgd-mri8 was trained on). Measured on these 2
        // slices: CT LGD 30.49 dB vs FBP ~24.5; MRI LGD 22.90 vs zero-filled 18.35.
        assertTrue(psnr("CT", "val", "LGD") > psnr("CT", "val", "FBP") + 2);
        assertTrue(psnr("MRI", "val", "LGD") > psnr("MRI", "val", "Zero-filled") + 3);
        // TV told the image is real uses the mirror lines: 18.56 vs 18.32 dB (val), 15.89 vs 15.65 (Shepp-Logan).
        assertTrue(psnr("MRI", "val", "TV 5, real") > psnr("MRI", "val", "TV 5 (lambda") + 0.1);
        assertTrue(psnr("MRI", "shepp", "TV 5, real") > psnr("MRI", "shepp", "TV 5 (lambda") + 0.1);
    }

    @Test
    void markdownHasAHeaderAndOneLinePerRow() {
        String table = comparison.markdown(rows);
        String[] lines = table.split("\n");
        assertEquals("| scenario | test set | solver | mean PSNR (dB) | mean SSIM | seconds per slice |", lines[0]);
        assertEquals("|---|---|---|---|---|---|", lines[1]);
        for (int i = 0; i < rows.size(); i++) {
            assertTrue(lines[2 + i].startsWith("| " + rows.get(i).scenario() + " | " + rows.get(i).testSet() + " | "
                + rows.get(i).solver() + " | "), lines[2 + i]);
            assertEquals(7, lines[2 + i].split("\\|").length, lines[2 + i]);
        }
        assertTrue(lines[2 + rows.size()].isEmpty(), "blank line after the table");
    }

    @Test
    void badArgumentsFailNamingThem() {
        IllegalArgumentException typo = assertThrows(IllegalArgumentException.class,
            () -> new SolverComparison(Map.of("valSlice", "4")));
        assertTrue(typo.getMessage().contains("valSlice="), typo.getMessage());
        IllegalArgumentException bare = assertThrows(IllegalArgumentException.class,
            () -> SolverComparison.parse("valSlices"));
        assertTrue(bare.getMessage().contains("'valSlices' is not key=value"), bare.getMessage());
        IllegalArgumentException set = assertThrows(IllegalArgumentException.class,
            () -> new SolverComparison(Map.of()).testSet("train"));
        assertTrue(set.getMessage().contains("sets=train"), set.getMessage());
        IllegalArgumentException scenario = assertThrows(IllegalArgumentException.class,
            () -> SolverComparison.scenario("ct45y"));
        assertTrue(scenario.getMessage().contains("scenarios=ct45y is not one of [ct60, ct30, ct90x120, mri4, mri8]"
            + " nor ct<views>[x<degrees>][@<size>] or mri<acceleration>"), scenario.getMessage());
        assertEquals("CT 45 views over 90 deg, 1% noise", SolverComparison.scenario("ct45x90").title());
        assertEquals("CT 60 views, 256^2, 1% noise", SolverComparison.scenario("ct60@256").title());
        assertEquals("256", SolverComparison.scenario("ct60@256").physics().get("size"));
        // Atlas phantoms are enlarged by whole factors (nearest neighbour); 200 is not a multiple of 128.
        SolverComparison sets = new SolverComparison(Map.of("atlas", "1"));
        assertEquals(256, sets.testSet("atlas", 256).width());
        IllegalArgumentException atlas = assertThrows(IllegalArgumentException.class,
            () -> sets.testSet("atlas", 200));
        assertTrue(atlas.getMessage().contains("enlarge by whole factors"), atlas.getMessage());
        assertEquals("0.02", SolverComparison.scenario("mri16").physics().get("center"));
        assertEquals("MRI 8x random lines, 256^2, 1% noise", SolverComparison.scenario("mri8@256").title());
        assertEquals("256", SolverComparison.scenario("mri8@256").physics().get("size"));
        IllegalArgumentException noise = assertThrows(IllegalArgumentException.class, () -> new SolverComparison(
            Map.of("scenarios", "ct30", "sets", "shepp", "learned", "false", "noise", "2")).run());
        assertTrue(noise.getMessage().contains("noise=2 "), noise.getMessage());
        assertEquals("MRI 8x equispaced lines, 1% noise", SolverComparison.scenario("mri8eq").title());
        assertEquals("equispaced", SolverComparison.scenario("mri8eq@256").physics().get("mask"));
        assertEquals("0.04", SolverComparison.scenario("mri8eq").physics().get("center"));
    }

    private static double psnr(String scenarioPrefix, String set, String solverPrefix) {
        return rows.stream().filter(r -> r.scenario().startsWith(scenarioPrefix) && r.testSet().equals(set)
            && r.solver().startsWith(solverPrefix)).findFirst().orElseThrow().psnr();
    }
}
