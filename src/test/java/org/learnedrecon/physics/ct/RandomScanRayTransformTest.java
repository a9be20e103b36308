package org.learnedrecon.physics.ct;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.learnedrecon.SharedManagerTest;
import org.learnedrecon.physics.AdjointCheck;
import org.learnedrecon.solvers.ProgressMonitor;
import org.learnedrecon.solvers.classical.FilteredBackProjection;

/** A family of parallel-beam scans drawn per training batch. */
class RandomScanRayTransformTest extends SharedManagerTest {

    @Test
    void drawsStayInTheRangesAndCoverThem() {
        try (NDManager scope = manager.newSubManager()) {
            RandomScanRayTransform family = new RandomScanRayTransform(scope, 24, 4, 40, 90, 180, 4, 90);
            Random random = new Random(5);
            Set<Integer> views = new HashSet<>();
            double lowest = 360;
            double highest = 0;
            int sparse = 0;
            for (int i = 0; i < 60; i++) {
                family.draw(random);
                CtGeometry g = family.operator().geometry();
                double[] angles = g.angles();
                double range = Math.toDegrees(angles[1] - angles[0]) * angles.length;
                assertTrue(g.angleCount() >= 4 && g.angleCount() <= 40, "views " + g.angleCount());
                assertTrue(range >= 90 - 1e-9 && range <= 180 + 1e-9, "range " + range);
                assertEquals(new Shape(g.angleCount(), g.detectorCount()), family.rangeShape());
                views.add(g.angleCount());
                lowest = Math.min(lowest, range);
                highest = Math.max(highest, range);
                sparse += g.angleCount() < Math.sqrt(4 * 40) ? 1 : 0;
            }
            assertTrue(views.size() > 15, "distinct view counts " + views);
            assertTrue(lowest < 100 && highest > 170, "ranges " + lowest + " to " + highest);
            // Log-uniform: about half the draws below the geometric mean of the ends (sqrt(160) = 12.6 views).
            assertTrue(sparse > 18 && sparse < 42, "draws below 12.6 views: " + sparse + " of 60");
        }
    }

    @Test
    void theNormOfADrawFollowsTheSquareRootOfItsViews() {
        try (NDManager scope = manager.newSubManager()) {
            RandomScanRayTransform family = new RandomScanRayTransform(scope, 32, 6, 60, 90, 180, 6, 90);
            Random random = new Random(2);
            for (int i = 0; i < 3; i++) {
                family.draw(random);
                double measured = family.operator().normEstimate(scope, 50);
                double predicted = family.drawNorm().getAsDouble();
                assertEquals(measured, predicted, 0.005 * measured,
                    "views " + family.operator().geometry().angleCount());
            }
        }
    }

    @Test
    void aDrawIsAnAdjointPairAndFbpReadsItsGeometry() {
        try (NDManager scope = manager.newSubManager()) {
            RandomScanRayTransform family = new RandomScanRayTransform(scope, 24, 8, 30, 120, 180, 8, 120);
            family.draw(new Random(9));
            RayTransform inner = family.operator();
            NDArray x = scope.randomUniform(0, 1, new Shape(2).addAll(family.domainShape()));
            NDArray y = scope.randomUniform(0, 1, new Shape(2).addAll(family.rangeShape()));
            AdjointCheck.assertAdjoint(family, x, y, 1e-4, 1e-6);
            NDArray sinogram = family.apply(x);
            FilteredBackProjection fbp = new FilteredBackProjection(FilteredBackProjection.Filter.HANN);
            assertArrayEquals(fbp.reconstruct(sinogram, inner, ProgressMonitor.NONE).toFloatArray(),
                fbp.reconstruct(sinogram, family, ProgressMonitor.NONE).toFloatArray(), 0f);
        }
    }

    @Test
    void emptyOrInvertedRangesAreRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> new RandomScanRayTransform(manager, 24, 40, 20, 90, 180, 40, 90));
        assertTrue(e.getMessage().contains("views 40-20"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
            () -> new RandomScanRayTransform(manager, 24, 20, 40, 180, 90, 20, 180));
        assertTrue(e.getMessage().contains("range 180.0-90.0"), e.getMessage());
    }
}
