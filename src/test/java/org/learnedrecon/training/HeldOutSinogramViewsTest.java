package org.learnedrecon.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;
import org.learnedrecon.learned.TestImages;
import org.learnedrecon.physics.ct.ParallelBeamGeometry;
import org.learnedrecon.physics.ct.RayTransform;

/**
 * Which sinogram views are held out (spread over the range, none below two) and how a reconstruction is scored on
 * them: the true image predicts noise-free held-out views to float precision, an empty image scores 0 dB.
 */
class HeldOutSinogramViewsTest {

    @Test
    void holdsOutViewsSpreadOverTheRange() {
        ParallelBeamGeometry scan = ParallelBeamGeometry.uniform(16, 30, 180);
        HeldOutSinogramViews views = HeldOutSinogramViews.choose(scan, 0.1).orElseThrow();
        int[] kept = views.kept();
        assertEquals(27, kept.length);
        for (int held : new int[] {5, 15, 25}) {
            assertTrue(java.util.Arrays.binarySearch(kept, held) < 0, "view " + held + " held out");
        }
        assertEquals(27, views.keptScan().angleCount());
        assertEquals(scan.angles()[6], views.keptScan().angles()[5], 0.0);
        float[] sinogram = new float[30 * scan.detectorCount()];
        for (int i = 0; i < sinogram.length; i++) {
            sinogram[i] = i / scan.detectorCount();
        }
        float[] rows = views.keptRows(sinogram);
        assertEquals(27 * scan.detectorCount(), rows.length);
        assertEquals(6f, rows[5 * scan.detectorCount()], "row 5 of the kept ones is view 6");
        assertTrue(HeldOutSinogramViews.choose(ParallelBeamGeometry.uniform(16, 12, 180), 0.1).isEmpty(),
            "one view of 12 is too few to score on");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> HeldOutSinogramViews.choose(scan, 0.6))
            .getMessage().contains("holdout=0.6"));
    }

    @Test
    void scoresTheHeldOutViewsPrediction() {
        ParallelBeamGeometry scan = ParallelBeamGeometry.uniform(16, 20, 180);
        HeldOutSinogramViews views = HeldOutSinogramViews.choose(scan, 0.1).orElseThrow();
        ImageSliceDataset images = TestImages.ellipses(3, 16, 2);
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray truth = images.batch(m, new int[] {0, 1, 2}, new Shape(16, 16), 1);
            float[] y = RayTransform.matrixFree(scan).apply(truth).toFloatArray();
            int per = 20 * scan.detectorCount();
            float[][] full = new float[3][];
            float[][] kept = new float[3][];
            for (int s = 0; s < 3; s++) {
                full[s] = java.util.Arrays.copyOfRange(y, s * per, (s + 1) * per);
                kept[s] = views.keptRows(full[s]);
            }
            TrainingRun.HeldOutScore score = views.scoreOn(ImageSliceDataset.of(full, 20, scan.detectorCount(), "y"),
                ImageSliceDataset.of(kept, 18, scan.detectorCount(), "kept"), 2);
            // The "reconstruction" looks up the truth by the kept measurements it is given: exact prediction.
            double exact = score.score(k -> truthOf(k, kept, images, m), 1, m);
            assertTrue(exact > 60, "exact prediction " + exact + " dB");
            assertEquals(0, score.score(k -> m.zeros(new Shape(k.getShape().get(0), 16, 16)), 1, m), 1e-6);
        }
    }

    private static NDArray truthOf(NDArray keptBatch, float[][] kept, ImageSliceDataset images, NDManager m) {
        int batch = (int) keptBatch.getShape().get(0);
        int[] indices = new int[batch];
        float[] data = keptBatch.toFloatArray();
        int per = kept[0].length;
        for (int b = 0; b < batch; b++) {
            for (int s = 0; s < kept.length; s++) {
                if (java.util.Arrays.equals(java.util.Arrays.copyOfRange(data, b * per, (b + 1) * per), kept[s])) {
                    indices[b] = s;
                }
            }
        }
        return images.batch(m, indices, new Shape(16, 16), 1);
    }
}
