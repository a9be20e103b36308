package org.learnedrecon.solvers.classical;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;
import org.learnedrecon.physics.AdjointCheck;

/** The TV gradient: analytic values on a small image, exact adjoint, and the norm bound. */
class ImageGradientTest {

    @Test
    void forwardDifferencesWithZeroAtTheLastRowAndColumn() {
        try (NDManager manager = NDManager.newBaseManager()) {
            // x[i, j] = 10 i + j^2 on 3x3
            NDArray x = manager.create(new float[] {0, 1, 4, 10, 11, 14, 20, 21, 24}, new Shape(1, 3, 3));
            NDArray g = ImageGradient.apply(x);
            assertEquals(new Shape(1, 2, 3, 3), g.getShape());
            assertArrayEquals(new float[] {10, 10, 10, 10, 10, 10, 0, 0, 0, 1, 3, 0, 1, 3, 0, 1, 3, 0},
                g.toFloatArray(), 0f);
        }
    }

    @Test
    void adjointMatchesDotProductWithChannelAxis() {
        try (NDManager manager = NDManager.newBaseManager()) {
            manager.getEngine().setRandomSeed(5);
            NDArray x = manager.randomNormal(new Shape(3, 2, 7, 9));
            NDArray q = manager.randomNormal(new Shape(3, 2, 2, 7, 9));
            AdjointCheck.assertAdjoint(ImageGradient::apply, ImageGradient::adjoint, x, q, 1e-4, 1e-3, "gradient");
        }
    }

    @Test
    void normStaysBelowTheBound() {
        try (NDManager manager = NDManager.newBaseManager()) {
            double largest = PowerIteration.largestEigenvalue(v -> ImageGradient.adjoint(ImageGradient.apply(v)),
                new Shape(16, 16), manager, 200);
            // sqrt(8) bound, approached (about 2.8) for a checkerboard on a large grid
            assertEquals(true, Math.sqrt(largest) < ImageGradient.NORM_BOUND);
            assertEquals(true, Math.sqrt(largest) > 2.6, "power iteration found " + Math.sqrt(largest));
        }
    }

    @Test
    void rejectsImagesWithoutTwoSpatialAxes() {
        try (NDManager manager = NDManager.newBaseManager()) {
            assertThrows(IllegalArgumentException.class, () -> ImageGradient.apply(manager.zeros(new Shape(2, 5))));
            assertThrows(IllegalArgumentException.class, () -> ImageGradient.apply(manager.zeros(new Shape(2, 1, 5))));
        }
    }
}
