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
