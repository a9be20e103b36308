package org.learnedrecon.benchmark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The calibration benchmark's statistics against values worked by hand, and its argument checks. */
class PosteriorCalibrationTest {

    @Test
    void finiteSampleIntervalAndCorrelation() {
        // t_{0.95,7} sqrt(1 + 1/8) / 1.6449 = 1.895 x 1.0607 / 1.6449
        assertEquals(1.2220, PosteriorCalibration.finiteSampleFactor(8), 1e-3);
        assertEquals(2.015 * Math.sqrt(7.0 / 6) / 1.6449, PosteriorCalibration.finiteSampleFactor(6), 1e-9);
        // Large samples: the interval tends to the Gaussian one.
        assertEquals(1.0, PosteriorCalibration.finiteSampleFactor(10000), 1e-3);
        assertEquals(1.0, PosteriorCalibration.pearson(new double[] {1, 2, 3}, new double[] {2, 4, 6}), 1e-12);
        assertEquals(-1.0, PosteriorCalibration.pearson(new double[] {1, 2, 3}, new double[] {3, 2, 1}), 1e-12);
    }

    /**
     * The scales the truth asks for. Errors exactly twice the std everywhere: both are 2 (per slice range). Heavy
     * tails: 95 % of the pixels err by half their std and 5 % by 20 times it: the L2 scale follows the tail
     * (sqrt(0.95 x 0.25 + 0.05 x 400) = 4.50) while 90 % coverage needs only 0.5 / 1.645 = 0.30.
     */
    @Test
    void scalesTheTruthAsksFor() {
        double[] error = new double[200];
        float[] std = new float[200];
        for (int i = 0; i < 100; i++) {
            std[i] = 0.01f * (1 + i % 7);
            error[i] = 2 * std[i];
        }
        assertEquals(2.0, PosteriorCalibration.l2Scale(error, std, 0, 100), 1e-6);
        assertEquals(2.0, PosteriorCalibration.coverageScale(error, std, 0, 100) * 1.6449, 1e-6);
        java.util.Arrays.fill(std, 100, 200, 0.01f);
        for (int i = 100; i < 200; i++) {
            error[i] = (i % 20 == 0 ? 20 : 0.5) * 0.01;
        }
        assertEquals(Math.sqrt(0.95 * 0.25 + 0.05 * 400), PosteriorCalibration.l2Scale(error, std, 100, 200), 1e-6);
        assertEquals(0.5 / 1.6449, PosteriorCalibration.coverageScale(error, std, 100, 200), 1e-6);
        // A pixel that errs where the sampler has no spread cannot be covered by any scale.
        std[150] = 0;
        error[150] = 0.5;
        assertEquals(Double.POSITIVE_INFINITY, PosteriorCalibration.coverageScale(error, std, 150, 151));
    }

    /** One Shepp-Logan slice at CT 30 views, 2 samples of the shipped noise-level denoiser: a row and a figure. */
    @Test
    void rowAndFigureOfOneSlice(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path png = dir.resolve("posterior.png");
        String model = org.learnedrecon.models.PretrainedModels.shipped().resolve("dncnn-nl").toString();
        String table = org.learnedrecon.runtime.DeepLearningRuntime.call(() -> new PosteriorCalibration(Map.of(
            "model", model, "scenarios", "ct30", "sets", "shepp", "images", "1", "samples", "2", "hqs", "false",
            "figure", png.toString())).run());
        assertTrue(table.contains("| CT 30 views, 1% noise | shepp | "), table);
        assertTrue(table.contains("Sampler: DiffPIR, 10 steps, sigma 0.2 -> 0.005"), table);
        java.awt.image.BufferedImage image = javax.imageio.ImageIO.read(png.toFile());
        assertEquals(4 * 128 + 3 * 4, image.getWidth());
        assertEquals(128, image.getHeight());
        // The truth panel: Shepp-Logan's skull (value 1, rows 6-7 at the top) is white, the corner (0) black.
        assertEquals(255, image.getRaster().getSample(64, 7, 0));
        assertEquals(0, image.getRaster().getSample(0, 0, 0));
    }

    /** {@code sampler=pnp-ula} runs PnP-ULA with the same network (3 iterations here); other values are refused. */
    @Test
    void theComparisonSamplerIsChosenByKey() throws Exception {
        String model = org.learnedrecon.models.PretrainedModels.shipped().resolve("dncnn-nl").toString();
        System.setProperty(org.learnedrecon.learned.LangevinPosteriorSampler.PROPERTY, "3,0.02,1,0.3333,0.01");
        try {
            String table = org.learnedrecon.runtime.DeepLearningRuntime.call(() -> new PosteriorCalibration(Map.of(
                "model", model, "scenarios", "ct30", "sets", "shepp", "images", "1", "samples", "2", "hqs", "false",
                "sampler", "pnp-ula")).run());
            assertTrue(table.contains("Sampler: PnP-ULA, 3 iterations, sigma 0.02"), table);
        } finally {
            System.clearProperty(org.learnedrecon.learned.LangevinPosteriorSampler.PROPERTY);
        }
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
            () -> org.learnedrecon.runtime.DeepLearningRuntime.call(() -> new PosteriorCalibration(Map.of("model",
                model, "scenarios", "ct30", "sets", "shepp", "images", "1", "sampler", "ula")).run()));
        assertTrue(unknown.getMessage().contains("sampler=ula"), unknown.getMessage());
    }

    @Test
    void argumentsAreChecked() {
        IllegalArgumentException typo = assertThrows(IllegalArgumentException.class,
            () -> new PosteriorCalibration(Map.of("model", "m.zip", "sampels", "8")));
        assertTrue(typo.getMessage().contains("sampels="), typo.getMessage());
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
            () -> new PosteriorCalibration(Map.of()));
        assertTrue(missing.getMessage().contains("model="), missing.getMessage());
    }
}
