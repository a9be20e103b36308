package org.learnedrecon.physics.mri;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SamplingPatternTest {

    @Test
    void randomLinesHitAccelerationOnAverageAndSampleCentre() {
        RandomLineSampling pattern = new RandomLineSampling(4, 0.08);
        double sumFraction = 0;
        for (long seed = 0; seed < 40; seed++) {
            SamplingMask mask = pattern.generate(32, 256, seed);
            sumFraction += 1 / mask.achievedAcceleration();
            for (int w = 118; w < 138; w++) { // round(256 * 0.08) = 20 lines from (256 - 20 + 1) / 2 = 118
                assertTrue(mask.isSampled(0, w) && mask.isSampled(31, w), "centre column " + w);
            }
            // 64 expected lines, binomial spread ~6 lines: a single mask lies within +-25 lines
            assertTrue(Math.abs(mask.sampledCount() / 32.0 - 64) < 25, "lines " + mask.sampledCount() / 32);
        }
        assertEquals(0.25, sumFraction / 40, 0.01);
    }

    /** The calibration square: for lines the centre band's width (capped by H), for Poisson the calibration size. */
    @Test
    void centredFullySampledSizeFindsTheCalibrationRegion() {
        boolean[] columns = new boolean[64];
        for (int w = 27; w < 37; w++) { // 10 columns from (64 - 10 + 1) / 2 = 27, as the line masks, and one far away
            columns[w] = true;
        }
        columns[3] = true;
        assertEquals(10, SamplingMask.ofColumns(64, columns).centredFullySampledSize());
        assertEquals(6, SamplingMask.ofColumns(6, columns).centredFullySampledSize(), "capped by the height");
        assertEquals(0, SamplingMask.ofColumns(64, new boolean[64]).centredFullySampledSize());
        assertTrue(new PoissonDiscSampling(4, 12).generate(64, 64, 1).centredFullySampledSize() >= 12);
    }

    /** Line masks sample the same columns on every row; Poisson-disc masks do not. */
    @Test
    void lineMasksAreToldFromPointMasks() {
        assertTrue(new RandomLineSampling(4, 0.08).generate(32, 32, 1).isLineMask());
        assertTrue(SamplingMask.full(8, 8).isLineMask());
        assertFalse(new PoissonDiscSampling(4, 8).generate(32, 32, 1).isLineMask());
    }

    @Test
    void equispacedLinesHitAcceleration() {
        for (double acc : new double[] {4, 8}) {
            SamplingMask mask = new EquispacedLineSampling(acc, 0.04).generate(16, 320, 7);
            assertEquals(acc, mask.achievedAcceleration(), 0.05 * acc);
            assertTrue(mask.isSampled(5, 160));
            // whole columns: every row equal
            for (int w = 0; w < 320; w++) {
                assertEquals(mask.isSampled(0, w), mask.isSampled(15, w));
            }
        }
    }

    @Test
    void poissonDiscHitsAccelerationWithCalibrationAndVariableDensity() {
        SamplingMask mask = new PoissonDiscSampling(6, 16).generate(128, 128, 5);
        assertEquals(6, mask.achievedAcceleration(), 0.3);
        for (int h = 56; h < 72; h++) {
            for (int w = 56; w < 72; w++) {
                assertTrue(mask.isSampled(h, w));
            }
        }
        double inner = density(mask, 10, 30);
        double outer = density(mask, 45, 64);
        assertTrue(inner > 1.5 * outer, "inner " + inner + " outer " + outer);
    }

    private static double density(SamplingMask mask, double r0, double r1) {
        long n = 0;
        long s = 0;
        for (int h = 0; h < mask.height(); h++) {
            for (int w = 0; w < mask.width(); w++) {
                double r = Math.hypot(h - 64, w - 64);
                if (r >= r0 && r < r1) {
                    n++;
                    s += mask.isSampled(h, w) ? 1 : 0;
                }
            }
        }
        return (double) s / n;
    }

    @Test
    void reproducibleBySeed() {
        SamplingPattern[] patterns = {new RandomLineSampling(4, 0.08), new EquispacedLineSampling(4, 0.08),
            new PoissonDiscSampling(4, 8)};
        for (SamplingPattern p : patterns) {
            assertArrayEquals(p.generate(40, 48, 3).values(), p.generate(40, 48, 3).values());
        }
        assertFalse(java.util.Arrays.equals(patterns[0].generate(40, 48, 3).values(),
            patterns[0].generate(40, 48, 4).values()));
        assertFalse(java.util.Arrays.equals(patterns[2].generate(40, 48, 3).values(),
            patterns[2].generate(40, 48, 4).values()));
    }

    @Test
    void badParametersAreRejectedWithReasons() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new RandomLineSampling(0.5, 0.1))
            .getMessage().contains("Acceleration"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new RandomLineSampling(8, 0.2))
            .getMessage().contains("Centre fraction"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new PoissonDiscSampling(8, 40)
            .generate(64, 64, 1)).getMessage().contains("calibration"));
    }

    /**
     * A family of accelerations: each seed draws an acceleration log-uniform in the range and a random-line mask of
     * about that acceleration with centre fraction 0.32 / acceleration; the same seed gives the same mask.
     */
    @Test
    void accelerationRangeDrawsMasksAcrossTheRange() {
        AccelerationRangeSampling family = new AccelerationRangeSampling(4, 12, 0.32, RandomLineSampling::new);
        double lowest = 12;
        double highest = 4;
        for (long seed = 0; seed < 40; seed++) {
            double a = family.acceleration(seed);
            assertTrue(a >= 4 && a <= 12, "acceleration " + a);
            lowest = Math.min(lowest, a);
            highest = Math.max(highest, a);
            SamplingMask mask = family.generate(256, 256, seed);
            assertEquals(a, mask.achievedAcceleration(), 0.35 * a, "seed " + seed);
        }
        assertTrue(lowest < 5 && highest > 10, lowest + " to " + highest);
        assertEquals(0.08, family.centreFraction(4), 1e-12);
        assertEquals("0.026667-0.08", family.centreRange());
        SamplingMask a = family.generate(64, 64, 7);
        SamplingMask b = family.generate(64, 64, 7);
        assertEquals(a.achievedAcceleration(), b.achievedAcceleration());
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
            () -> new AccelerationRangeSampling(12, 4, 0.32, RandomLineSampling::new));
        assertTrue(e.getMessage().startsWith("acceleration=12.0-4.0"), e.getMessage());
    }
}
