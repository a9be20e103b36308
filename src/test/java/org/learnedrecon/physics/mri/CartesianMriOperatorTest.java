package org.learnedrecon.physics.mri;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;
import org.learnedrecon.physics.AdjointCheck;

class CartesianMriOperatorTest {

    private static SamplingMask randomMask(int h, int w, long seed) {
        return new RandomLineSampling(3.0, 0.1).generate(h, w, seed);
    }

    @Test
    void singleCoilAdjointDotProduct() {
        try (NDManager m = NDManager.newBaseManager()) {
            m.getEngine().setRandomSeed(11);
            CartesianMriOperator op = new CartesianMriOperator(m, randomMask(16, 20, 1));
            NDArray x = m.randomNormal(new Shape(3, 2, 16, 20));
            NDArray y = m.randomNormal(new Shape(3, 2, 16, 20));
            AdjointCheck.assertAdjoint(op, x, y, 1e-4, 1e-4);
            assertEquals(new Shape(3, 2, 16, 20), op.apply(x).getShape());
        }
    }

    @Test
    void multiCoilAdjointDotProductAndNorm() {
        try (NDManager m = NDManager.newBaseManager()) {
            m.getEngine().setRandomSeed(12);
            NDArray maps = m.randomNormal(new Shape(4, 2, 12, 10));
            // normalise sum_c |S_c|^2 = 1 so that ||A|| = 1
            NDArray rss = maps.square().sum(new int[] {0, 1}).sqrt();
            maps = maps.div(rss);
            CartesianMriOperator op = new CartesianMriOperator(m, randomMask(12, 10, 2), maps);
            assertEquals(new Shape(4, 2, 12, 10), op.rangeShape());
            NDArray x = m.randomNormal(new Shape(2, 2, 12, 10));
            NDArray y = m.randomNormal(new Shape(2, 4, 2, 12, 10));
            AdjointCheck.assertAdjoint(op, x, y, 1e-4, 0);
            double undersampledNorm = op.normEstimate(m, 30);
            assertTrue(undersampledNorm <= 1.001 && undersampledNorm > 0.5, "norm " + undersampledNorm);
            assertEquals(1.0, new CartesianMriOperator(m, SamplingMask.full(12, 10), maps).normEstimate(m, 30), 0.01);
            assertEquals(1.0, new CartesianMriOperator(m, randomMask(12, 10, 2)).normEstimate(m, 30), 0.01);
        }
    }

    @Test
    void fullySampledSingleCoilIsUnitary() {
        try (NDManager m = NDManager.newBaseManager()) {
            m.getEngine().setRandomSeed(13);
            CartesianMriOperator op = new CartesianMriOperator(m, SamplingMask.full(8, 8));
            NDArray x = m.randomNormal(new Shape(1, 2, 8, 8));
            NDArray back = op.adjoint(op.apply(x));
            assertEquals(0.0, back.sub(x).abs().max().getFloat(), 1e-5);
        }
    }

    @Test
    void autogradGradientOfDataTermIsAdjointOfResidual() {
        try (NDManager m = NDManager.newBaseManager()) {
            m.getEngine().setRandomSeed(14);
            NDArray maps = m.randomNormal(new Shape(3, 2, 8, 8)).mul(0.5f);
            CartesianMriOperator op = new CartesianMriOperator(m, randomMask(8, 8, 3), maps);
            NDArray x = m.randomNormal(new Shape(1, 2, 8, 8));
            NDArray y = m.randomNormal(new Shape(1, 3, 2, 8, 8));
            x.setRequiresGradient(true);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray loss = op.apply(x).sub(y).square().sum().mul(0.5f);
                gc.backward(loss);
            }
            // d/dx 0.5 ||A x - y||^2 = A*(A x - y)
            NDArray expected = op.adjoint(op.apply(x.stopGradient()).sub(y));
            float err = x.getGradient().sub(expected).abs().max().getFloat();
            assertTrue(err < 1e-4f * expected.abs().max().getFloat(), "gradient error " + err);
            assertTrue(op.isDifferentiable());
        }
    }

    @Test
    void shapeErrorsNameTheProblem() {
        try (NDManager m = NDManager.newBaseManager()) {
            CartesianMriOperator op = new CartesianMriOperator(m, randomMask(8, 8, 4));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> op.apply(m.zeros(new Shape(1, 2, 8, 9))));
            assertTrue(e.getMessage().contains("(B, 2, 8, 8)"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                () -> new CartesianMriOperator(m, randomMask(8, 8, 4), m.zeros(new Shape(2, 2, 8, 7))));
            assertTrue(e.getMessage().contains("(C, 2, 8, 8)"), e.getMessage());
        }
    }

    @Test
    void applyAndAdjointLeaveNothingInOperatorOrInputManagers() {
        try (NDManager m = NDManager.newBaseManager()) {
            m.getEngine().setRandomSeed(16);
            try (NDManager operatorScope = m.newSubManager(); NDManager data = m.newSubManager()) {
                NDArray maps = m.randomNormal(new Shape(3, 2, 8, 8));
                CartesianMriOperator op = new CartesianMriOperator(operatorScope, randomMask(8, 8, 6), maps);
                NDArray x = m.randomNormal(new Shape(1, 2, 8, 8));
                x.attach(data);
                int operatorArrays = operatorScope.getManagedArrays().size();
                int dataArrays = data.getManagedArrays().size();
                for (int i = 0; i < 5; i++) {
                    op.normal(x).close();
                }
                assertEquals(operatorArrays, operatorScope.getManagedArrays().size());
                assertEquals(dataArrays, data.getManagedArrays().size());
            }
        }
    }

    @Test
    void inputIsNotModified() {
        try (NDManager m = NDManager.newBaseManager()) {
            m.getEngine().setRandomSeed(15);
            CartesianMriOperator op = new CartesianMriOperator(m, randomMask(8, 8, 5));
            NDArray x = m.randomNormal(new Shape(1, 2, 8, 8));
            float[] before = x.toFloatArray();
            op.adjoint(op.apply(x));
            org.junit.jupiter.api.Assertions.assertArrayEquals(before, x.toFloatArray());
        }
    }
}
