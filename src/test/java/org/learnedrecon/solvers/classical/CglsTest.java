package org.learnedrecon.solvers.classical;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;
import org.learnedrecon.physics.AdjointCheck;
import org.learnedrecon.physics.MatrixOperator;
import org.learnedrecon.solvers.ProgressMonitor;

/** CGLS solves consistent well-posed systems, per sample, and keeps a converged sample fixed. */
class CglsTest {

    @Test
    void testOperatorIsAdjoint() {
        try (NDManager manager = NDManager.newBaseManager()) {
            manager.getEngine().setRandomSeed(1);
            MatrixOperator a = DenseMatrixOperator.blurSubsample(manager, 12, 10, 2, 3);
            NDArray x = manager.randomNormal(new Shape(2, 12, 10));
            NDArray y = manager.randomNormal(new Shape(2, 6, 4));
            AdjointCheck.assertAdjoint(a, x, y, 1e-5, 1e-4);
        }
    }

    @Test
    void solvesConsistentOverdeterminedSystemPerSample() {
        try (NDManager manager = NDManager.newBaseManager()) {
            manager.getEngine().setRandomSeed(2);
            MatrixOperator a = DenseMatrixOperator.gaussian(manager, 60, 40, 11);
            // two samples of very different scale: per-sample step lengths are needed
            NDArray truth = manager.randomNormal(new Shape(2, 40)).mul(manager.create(new float[] {1f, 100f})
                .reshape(2, 1));
            NDArray y = a.apply(truth);
            NDArray x = Cgls.builder().iterations(40).build().reconstruct(y, a, ProgressMonitor.NONE);
            for (int b = 0; b < 2; b++) {
                double error = x.get(b).sub(truth.get(b)).norm().getFloat() / truth.get(b).norm().getFloat();
                assertTrue(error < 1e-4, "sample " + b + " relative error " + error);
            }
        }
    }

    @Test
    void startingAtTheSolutionStaysThere() {
        try (NDManager manager = NDManager.newBaseManager()) {
            manager.getEngine().setRandomSeed(3);
            MatrixOperator a = DenseMatrixOperator.gaussian(manager, 30, 20, 12);
            NDArray truth = manager.randomNormal(new Shape(1, 20));
            NDArray y = a.apply(truth);
            NDArray x = Cgls.builder().iterations(5).build().reconstruct(y, a, truth, ProgressMonitor.NONE);
            assertEquals(0, x.sub(truth).abs().max().getFloat(), 1e-6);
        }
    }
}
