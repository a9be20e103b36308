package org.learnedrecon.learned;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Random;
import org.learnedrecon.physics.ForwardOperator;
import org.learnedrecon.solvers.CancellableOperator;
import org.learnedrecon.solvers.ProgressMonitor;

/**
 * Reproducible estimate of {@code ||A||}: power iteration on {@code A* A} from a start drawn with a fixed-seed Java
 * {@link Random} (not the engine's global generator, which {@link ForwardOperator#normEstimate} consumes), so that
 * the normalisation recorded in a model file does not depend on what ran before.
 */
public final class OperatorNorm {

    private OperatorNorm() {
    }

    public static double estimate(ForwardOperator operator, NDManager manager, int iterations) {
        return estimate(operator, manager, iterations, ProgressMonitor.NONE);
    }

    /**
     * As {@link #estimate(ForwardOperator, NDManager, int)}, checking {@code cancel} before each application of
     * {@code A} or {@code A*} ({@link CancellableOperator}).
     */
    public static double estimate(ForwardOperator operator, NDManager manager, int iterations,
        ProgressMonitor cancel) {
        ForwardOperator checked = new CancellableOperator(operator, cancel);
        try (NDManager scope = manager.newSubManager()) {
            Shape shape = new Shape(1).addAll(operator.domainShape());
            float[] start = new float[Math.toIntExact(shape.size())];
            Random random = new Random(0x5eedL);
            for (int i = 0; i < start.length; i++) {
                start[i] = random.nextFloat() + 0.5f;
            }
            NDArray x = scope.create(start, shape);
            double sigma = 0;
            for (int i = 0; i < iterations; i++) {
                x = x.div(x.norm());
                NDArray normal = checked.adjoint(checked.apply(x));
                sigma = Math.sqrt(normal.norm().getFloat());
                x = normal;
            }
            return sigma;
        }
    }
}
