package org.learnedrecon.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;

/** The arrays of {@link NativeArrays} hold their values through a garbage collection that frees Java buffers. */
class NativeArraysTest {

    @Test
    void valuesAndGradientsSurviveACollectionBetweenForwardAndBackward() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(new float[] {1f, 2f, 3f, 4f});
            x.setRequiresGradient(true);
            try (NDManager scratch = m.newSubManager();
                 GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray weights;
                try (NDManager scope = m.newSubManager()) {
                    weights = NativeArrays.copyOf(scope, new float[] {1f, 10f, 100f, 1000f}, new Shape(4));
                    weights.attach(m);
                }
                NDArray tripled = NativeArrays.times(x, 3);
                NDArray halved = NativeArrays.dividedBy(x, 2);
                assertArrayEquals(new float[] {3f, 6f, 9f, 12f}, tripled.toFloatArray());
                assertArrayEquals(new float[] {0.5f, 1f, 1.5f, 2f}, halved.toFloatArray());
                NDArray loss = tripled.add(halved).mul(weights).sum();
                weights.close(); // the graph keeps its own reference
                FreedMemory.collectAndReuse(scratch, 5000, 1, 4);
                collector.backward(loss);
            }
            // d/dx sum(w (3 x + x / 2)) = 3.5 w
            assertArrayEquals(new float[] {3.5f, 35f, 350f, 3500f}, x.getGradient().toFloatArray(), 1e-3f);
        }
    }

    @Test
    void scalarsTakeTheDataTypeOfTheirArray() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(new double[] {1, 2});
            NDArray s = NativeArrays.scalar(x, 0.25);
            assertEquals(DataType.FLOAT64, s.getDataType());
            assertEquals(new Shape(), s.getShape());
            assertArrayEquals(new double[] {4, 8}, NativeArrays.dividedBy(x, 0.25).toDoubleArray(), 1e-12);
        }
    }
}
