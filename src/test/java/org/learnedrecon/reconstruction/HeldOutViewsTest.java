package org.learnedrecon.reconstruction;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.learnedrecon.physics.ct.ParallelBeamGeometry;
import org.learnedrecon.physics.ct.RayTransform;

/** Where the views held out to calibrate a posterior's spread lie: among all views, or next to a missing wedge. */
class HeldOutViewsTest {

    private static double[] degrees(double... d) {
        return java.util.Arrays.stream(d).map(Math::toRadians).toArray();
    }

    @Test
    void aFullScanHasNoWedge() {
        assertNull(HeldOutViews.wedge(ParallelBeamGeometry.uniform(32, 90, 180).angles()));
        // Views given out of order, and angles past 180 degrees that fold onto a full half turn.
        assertNull(HeldOutViews.wedge(degrees(90, 0, 135, 45, 225 + 90)));
    }

    @Test
    void theWedgeIsFoundWhereverTheScanStarts() {
        // 90 views over 120 degrees: the views after the wedge start at view 0 and end at view 89.
        int[] order = HeldOutViews.wedge(ParallelBeamGeometry.uniform(32, 90, 120).angles()).views();
        assertArrayEquals(IntStream.range(0, 90).toArray(), order);
        // 150 to 270 degrees in steps of 10 folds onto 150-170 and 0-90: the wedge lies between 90 and 150, so the
        // views after it start at 150 degrees (view 0) and end at 90 degrees (view 12).
        double[] wrapping = IntStream.rangeClosed(0, 12).mapToDouble(i -> Math.toRadians(150 + 10 * i)).toArray();
        assertArrayEquals(IntStream.range(0, 13).toArray(), HeldOutViews.wedge(wrapping).views());
        assertEquals(60, HeldOutViews.wedge(wrapping).degrees(), 1e-9);
        double[] limited = ParallelBeamGeometry.uniform(32, 90, 120).angles();
        assertEquals(60 + 4 / 3.0, HeldOutViews.wedge(limited).degrees(), 1e-9);
        // Out of order: sorted by angle after the wedge.
        assertArrayEquals(new int[] {2, 0, 3, 1}, HeldOutViews.wedge(degrees(20, 60, 0, 40)).views());
    }

    @Test
    void atLimitedAngleEachFoldHoldsOutTheTenthOfTheViewsOnOneSideOfTheWedge() {
        ParallelBeamGeometry scan = ParallelBeamGeometry.uniform(32, 90, 120);
        try (NDManager m = NDManager.newBaseManager(); HeldOutViews split = HeldOutViews.ends(scan)) {
            NDArray y = m.arange(2f * 90 * scan.detectorCount()).reshape(new Shape(2, 90, scan.detectorCount()));
            float[] all = y.toFloatArray();
            int d = scan.detectorCount();
            int[][] held = {IntStream.range(0, 9).toArray(), IntStream.range(81, 90).toArray()};
            for (int fold = 0; fold < 2; fold++) {
                double[] heldAngles = ((RayTransform) split.heldOut(fold)).geometry().angles();
                double[] keptAngles = ((RayTransform) split.kept(fold)).geometry().angles();
                assertEquals(9, heldAngles.length);
                assertEquals(81, keptAngles.length);
                for (int i = 0; i < 9; i++) {
                    assertEquals(scan.angles()[held[fold][i]], heldAngles[i], 1e-12);
                }
                // The held-out rows of the sinogram are those views, and the kept ones the rest, in order.
                float[] heldRows = split.heldOutMeasurements(y, fold).toFloatArray();
                assertEquals(all[90 * d + held[fold][3] * d + 5], heldRows[9 * d + 3 * d + 5]);
                float[] keptRows = split.keptMeasurements(y, fold).toFloatArray();
                int firstKept = fold == 0 ? 9 : 0;
                assertEquals(all[firstKept * d + 7], keptRows[7]);
                // The part a fold keeps is a limited-angle scan of 80 steps of 4/3 degrees, its wedge 12 degrees wider.
                assertEquals(80 * 4 / 3.0, Math.toDegrees(keptAngles[80] - keptAngles[0]), 1e-9);
                assertArrayEquals(IntStream.range(0, 81).toArray(), HeldOutViews.wedge(keptAngles).views());
            }
        }
        // A full scan, and a wedge under 45 degrees (60 views over 150: a 32.5-degree gap), hold out every 10th view.
        try (HeldOutViews split = HeldOutViews.ends(ParallelBeamGeometry.uniform(32, 40, 180))) {
            double[] held = ((RayTransform) split.heldOut(0)).geometry().angles();
            assertEquals(4, held.length);
            assertEquals(Math.toRadians(45), held[1], 1e-12);
            assertFalse(split.nextToWedge());
        }
        try (HeldOutViews split = HeldOutViews.ends(ParallelBeamGeometry.uniform(32, 60, 150))) {
            double[] held = ((RayTransform) split.heldOut(0)).geometry().angles();
            assertEquals(6, held.length);
            assertEquals(Math.toRadians(25), held[1], 1e-12);
            assertFalse(split.nextToWedge());
        }
        try (HeldOutViews split = HeldOutViews.ends(scan)) {
            assertTrue(split.nextToWedge());
        }
    }
}
