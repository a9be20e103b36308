package org.learnedrecon.solvers.classical;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.learnedrecon.physics.MatrixOperator;
import org.learnedrecon.solvers.ProgressMonitor;

/** SIRT on a non-negative (ray-transform-like) system: monotone residual, convergence, non-negativity. */
class SirtTest {

    @Test
    void residualDecreasesMonotonicallyAndConverges() {
        try (NDManager manager = NDManager.newBaseManager()) {
            manager.getEngine().setRandomSeed(4);
            MatrixOperator a = DenseMatrixOperator.nonNegative(manager, 80, 40, 0.2, 13);
            NDArray truth = manager.randomUniform(0f, 1f, new Shape(2, 40));
            NDArray y = a.apply(truth);
            // R = 1 / row sums, the weight of the residual norm SIRT minimises (all rows non-empty here)
            NDArray rowWeights = a.apply(manager.ones(new Shape(1, 40))).pow(-1f);
            List<Double> weighted = new ArrayList<>();
            List<Double> plain = new ArrayList<>();
            NDArray x = Sirt.builder().iterations(300).listener((k, estimate, change) -> {
                NDArray r = a.apply(estimate).sub(y);
                weighted.add((double) r.square().mul(rowWeights).sum().getFloat());
                plain.add((double) r.norm().getFloat());
            }).build().reconstruct(y, a, ProgressMonitor.NONE);
            for (int k = 1; k < weighted.size(); k++) {
                assertTrue(weighted.get(k) <= weighted.get(k - 1) * (1 + 1e-5) + 1e-12,
                    "weighted residual rose at iteration " + (k + 1) + ": " + weighted.get(k - 1) + " -> "
                        + weighted.get(k));
            }
            double relResidual = plain.get(plain.size() - 1) / y.norm().getFloat();
            double error = x.sub(truth).norm().getFloat() / truth.norm().getFloat();
            System.out.printf("SIRT: residual %.3g -> %.3g (relative %.3g), relative error %.3g%n", plain.get(0),
                plain.get(plain.size() - 1), relResidual, error);
            assertTrue(relResidual < 1e-3, "relative residual " + relResidual);
            assertTrue(error < 2e-2, "relative error " + error);
        }
    }

    @Test
    void nonNegativityHoldsOnNoisyData() {
        try (NDManager manager = NDManager.newBaseManager()) {
            manager.getEngine().setRandomSeed(5);
            MatrixOperator a = DenseMatrixOperator.nonNegative(manager, 30, 40, 14);
            // sparse non-negative truth plus strong noise: unconstrained SIRT goes negative
            NDArray truth = manager.randomUniform(0f, 1f, new Shape(1, 40)).gt(0.7f).toType(DataType.FLOAT32, false);
            NDArray y = a.apply(truth).add(manager.randomNormal(0f, 1f, new Shape(1, 30), DataType.FLOAT32));
            float freeMin = Sirt.builder().iterations(200).build().reconstruct(y, a, ProgressMonitor.NONE).min()
                .getFloat();
            float constrainedMin = Sirt.builder().iterations(200).nonNegative(true).build()
                .reconstruct(y, a, ProgressMonitor.NONE).min().getFloat();
            assertTrue(freeMin < 0, "the test must exercise the constraint: unconstrained min " + freeMin);
            assertTrue(constrainedMin >= 0, "constrained min " + constrainedMin);
        }
    }
}
