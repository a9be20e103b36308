package org.learnedrecon.solvers.classical;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Random;
import java.util.function.UnaryOperator;

/**
 * Largest eigenvalue of a symmetric positive semi-definite operator (e.g. {@code A* A}) by power iteration from a
 * fixed-seed start, so step sizes are reproducible run to run. The estimate approaches the eigenvalue from below.
 */
final class PowerIteration {

    private static final long SEED = 20261129L;

    private PowerIteration() {
    }

    static double largestEigenvalue(UnaryOperator<NDArray> operator, Shape sampleShape, NDManager manager,
        int iterations) {
        try (NDManager scope = manager.newSubManager()) {
            Shape shape = new Shape(1).addAll(sampleShape);
            float[] start = new float[(int) shape.size()];
            Random random = new Random(SEED);
            for (int i = 0; i < start.length; i++) {
                start[i] = random.nextFloat() + 0.1f;
            }
            NDArray v = scope.create(start, shape);
            double eigenvalue = 0;
            for (int k = 0; k < iterations; k++) {
                try (NDManager step = scope.newSubManager()) {
                    v.attach(step);
                    NDArray unit = v.div(v.norm());
                    NDArray w = operator.apply(unit);
                    eigenvalue = w.norm().getFloat();
                    w.attach(scope);
                    v = w;
                }
                if (eigenvalue == 0) {
                    break;
                }
            }
            return eigenvalue;
        }
    }
}
