package org.learnedrecon.solvers.classical;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.learnedrecon.physics.ct.CtGeometryKeys;
import org.learnedrecon.physics.ct.FanBeamGeometry;

class ParkerWeightsTest {

    private static final double DELTA = 0.4;

    /**
     * w(beta, gamma) + w(beta + pi + 2 gamma, -gamma) = 1 whenever both rays are in the scan, and w = 1 for rays
     * whose line is measured only once, on a grid of (beta, gamma): minimal short scan, overscan, almost 360 degrees
     * and an incomplete scan shorter than the minimal one; Parker (q = 1) and sharper Wesarg transitions (q = 0.3).
     */
    @Test
    void conjugateRaysAddUpToOne() {
        double[] ranges = {Math.PI + 2 * DELTA, Math.PI + 2 * DELTA + 0.5, 2 * Math.PI - 0.1, Math.PI + DELTA};
        for (double range : ranges) {
            for (double q : new double[] {1, 0.3}) {
                int pairs = 0;
                int singles = 0;
                for (int i = 0; i <= 400; i++) {
                    double beta = range * i / 400;
                    for (int j = -20; j <= 20; j++) {
                        double gamma = DELTA * j / 20;
                        double w = ParkerWeights.weight(beta, gamma, range, q);
                        assertTrue(w >= 0 && w <= 1, "w(" + beta + ", " + gamma + ") = " + w);
                        double forward = beta + Math.PI + 2 * gamma;
                        double backward = beta - Math.PI + 2 * gamma;
                        String where = "range " + range + ", q " + q + ", beta " + beta + ", gamma " + gamma;
                        // (a ray at the fan edge of the minimal short scan and its conjugate both sit on the ends
                        // of the scan, a measure-zero case left out with the tolerance)
                        if (forward < range - 1e-9) {
                            assertEquals(1, w + ParkerWeights.weight(forward, -gamma, range, q), 1e-12, where);
                            pairs++;
                        } else if (forward > range + 1e-9 && backward < 0) {
                            assertEquals(1, w, 1e-12, "line measured once: " + where);
                            singles++;
                        }
                    }
                }
                assertTrue(pairs > 1000, pairs + " conjugate pairs checked for range " + range);
                if (range < 2 * Math.PI - 1) {
                    assertTrue(singles > 1000, singles + " single rays checked for range " + range);
                }
            }
        }
    }

    /** At the minimal short scan and q = 1 the weights are Parker's (1982) piecewise sin^2 formula. */
    @Test
    void minimalShortScanGivesParkersFormula() {
        double range = Math.PI + 2 * DELTA;
        double gamma = 0.1;
        double beta = 0.2;
        assertEquals(Math.pow(Math.sin(Math.PI / 4 * beta / (DELTA - gamma)), 2),
            ParkerWeights.weight(beta, gamma, range, 1), 1e-12);
        assertEquals(1, ParkerWeights.weight(1.5, gamma, range, 1), 0);
        beta = Math.PI - 2 * gamma + 0.3;
        assertEquals(Math.pow(Math.sin(Math.PI / 4 * (Math.PI + 2 * DELTA - beta) / (DELTA + gamma)), 2),
            ParkerWeights.weight(beta, gamma, range, 1), 1e-12);
        // the weights fall to 0 at both ends of the scan, so truncating the scan there causes no jump
        assertEquals(0, ParkerWeights.weight(0, DELTA - 0.01, range, 1), 0);
        assertEquals(0, ParkerWeights.weight(range, -DELTA + 0.01, range, 1), 1e-12);
    }

    @Test
    void geometryGivesFanAnglesRangeAndStartIndependentWeights() {
        FanBeamGeometry full = CtGeometryKeys.fan(32, 90, 360, 0, 100, 50, "Flat");
        assertNull(ParkerWeights.of(full, 1), "a 360-degree scan needs no short-scan weights");
        FanBeamGeometry flat = CtGeometryKeys.fan(32, 125, 250, 0, 100, 50, "Flat");
        ParkerWeights w = ParkerWeights.of(flat, 1);
        assertEquals(Math.toRadians(250), w.range(), 1e-12);
        int d = flat.detectorCount() - 3;
        double s = (d - flat.detectorCount() / 2) * flat.detectorSpacing();
        assertEquals(Math.atan(s / 150), ParkerWeights.fanAngle(flat, d), 1e-15);
        FanBeamGeometry arc = CtGeometryKeys.fan(32, 125, 250, 0, 100, 50, "Equiangular");
        s = (d - arc.detectorCount() / 2) * arc.detectorSpacing();
        assertEquals(s / 150, ParkerWeights.fanAngle(arc, d), 1e-15);
        assertEquals(Math.PI + 2 * ParkerWeights.fanAngle(arc, arc.detectorCount() - 1),
            ParkerWeights.minimalShortScan(arc), 1e-15);
        // the same scan started at 200 degrees (wrapping through 360) has the same weights view by view
        double[] angles = flat.angles();
        for (int i = 0; i < angles.length; i++) {
            angles[i] += Math.toRadians(200);
        }
        FanBeamGeometry shifted = new FanBeamGeometry(32, angles, flat.detectorCount(), flat.detectorSpacing(), 0,
            100, 50, FanBeamGeometry.DetectorShape.FLAT);
        ParkerWeights v = ParkerWeights.of(shifted, 1);
        for (int a = 0; a < angles.length; a++) {
            for (int k = 0; k < flat.detectorCount(); k++) {
                assertEquals(w.weight(a, k), v.weight(a, k), 1e-9, "angle " + a + ", detector " + k);
            }
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ParkerWeights.of(flat, 0));
        assertEquals("Parker transition width q must be in (0, 1], got 0.0", e.getMessage());
    }
}
