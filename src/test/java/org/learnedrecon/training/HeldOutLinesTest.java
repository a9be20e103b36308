package org.learnedrecon.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.learnedrecon.physics.mri.SamplingMask;

/** Which k-space lines are held out: outer sampled lines only, the right count, none for masks without lines. */
class HeldOutLinesTest {

    @Test
    void holdsOutOuterSampledLinesOnly() {
        boolean[] columns = new boolean[32];
        for (int w : new int[] {1, 5, 9, 14, 15, 16, 17, 18, 23, 27, 30}) {
            columns[w] = true;
        }
        SamplingMask mask = SamplingMask.ofColumns(8, columns);
        HeldOutLines lines = HeldOutLines.choose(mask, 0.2, 3).orElseThrow();
        SamplingMask kept = lines.kept();
        int removed = 0;
        for (int w = 0; w < 32; w++) {
            if (columns[w] && !kept.isSampled(0, w)) {
                removed++;
                assertTrue(w < 14 || w > 18, "centre line " + w + " held out");
            }
            assertFalse(!columns[w] && kept.isSampled(0, w), "unsampled line " + w + " kept");
        }
        assertEquals(2, removed, "round(0.2 x 11 lines)");
        float[] plane = new float[2 * 8 * 32];
        java.util.Arrays.fill(plane, 1f);
        float[] seen = lines.withoutHeldOut(plane);
        for (int i = 0; i < plane.length; i++) {
            int w = i % 32;
            assertEquals(columns[w] && !kept.isSampled(0, w) ? 0f : 1f, seen[i], "entry " + i);
        }
    }

    @Test
    void masksWithoutLinesToSpareHoldNothingOutAndBadFractionsAreNamed() {
        float[] points = new float[8 * 8];
        points[3] = 1;
        points[20] = 1;
        points[36] = 1;
        assertTrue(HeldOutLines.choose(new SamplingMask(8, 8, points), 0.1, 1).isEmpty(), "not a line mask");
        boolean[] centreOnly = new boolean[16];
        for (int w = 6; w < 11; w++) {
            centreOnly[w] = true;
        }
        assertTrue(HeldOutLines.choose(SamplingMask.ofColumns(4, centreOnly), 0.1, 1).isEmpty(), "centre only");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> HeldOutLines.choose(
            SamplingMask.ofColumns(4, centreOnly), 0.7, 1)).getMessage().contains("holdout=0.7"));
    }
}
