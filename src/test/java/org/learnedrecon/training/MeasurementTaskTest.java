package org.learnedrecon.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.learnedrecon.SharedManagerTest;
import org.learnedrecon.physics.ct.RandomScanRayTransform;
import org.learnedrecon.solvers.ProgressMonitor;
import org.learnedrecon.solvers.classical.TotalVariation;

/** The initial reconstruction of a family of scans is computed on each batch's own scan. */
class MeasurementTaskTest extends SharedManagerTest {

    @Test
    void aTvStartUsesTheNormsOfEachDrawNotOfTheFirst() {
        try (NDManager scope = manager.newSubManager()) {
            RandomScanRayTransform family = new RandomScanRayTransform(scope, 32, 6, 90, 90, 180, 6, 90);
            MeasurementTask task = new MeasurementTask(family, null,
                TotalVariation.builder().lambda(0.05).iterations(30).nonNegative(true).build());
            NDArray image = scope.randomUniform(0f, 1f, new Shape(1, 32, 32));
            Random random = new Random(3);
            int firstViews = -1;
            for (int i = 0; i < 6; i++) {
                family.draw(random);
                int views = family.operator().geometry().angleCount();
                firstViews = firstViews < 0 ? views : firstViews;
                NDArray y = family.apply(image);
                NDArray x0 = task.networkInputs(y).get(1);
                // A fresh solver estimates this scan's norms itself (on the sparse matrix: within rounding of the
                // matrix-free twin the task uses).
                NDArray fresh = TotalVariation.builder().lambda(0.05).iterations(30).nonNegative(true).build()
                    .reconstruct(y, family.operator(), ProgressMonitor.NONE);
                assertEquals(0, x0.sub(fresh).abs().max().getFloat(), 1e-4, "draw " + i + ", " + views + " views");
            }
            assertNotEquals(firstViews, family.operator().geometry().angleCount(), "the draws should differ");
        }
    }
}
