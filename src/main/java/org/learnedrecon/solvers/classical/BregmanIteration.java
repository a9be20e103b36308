package org.learnedrecon.solvers.classical;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import org.learnedrecon.physics.ForwardOperator;
import org.learnedrecon.solvers.ProgressMonitor;
import org.learnedrecon.solvers.Solver;

/**
 * Bregman iteration ("iterative regularisation", Osher, Burger, Goldfarb, Xu and Yin 2005) around a variational
 * solver such as {@link TotalVariation}: the residual is added back to the measurements and the problem solved
 * again, warm-started at the last image,
 * <pre>
 *   y_0 = y,   x_0 = argmin_x 1/2 ||A x - y_0||^2 + lambda R(x)
 *   y_k = y_{k-1} + (y - A x_{k-1}),   x_k = argmin_x 1/2 ||A x - y_k||^2 + lambda R(x)
 * </pre>
 * so what the regulariser took from the image comes back step by step: TV's loss of contrast on small objects is
 * undone while its edges stay. Without noise it converges to an image that fits the data; with noise it has to be
 * stopped, after {@code steps} solves here (in the CT choice, held-out views say which step count and lambda fit).
 */
public final class BregmanIteration implements Solver {

    private final IterativeSolver solver;
    private final int steps;

    /**
     * @param solver the variational solver run at every step (its lambda and iterations hold throughout)
     * @param steps solves, at least 1 (1 is {@code solver} alone)
     */
    public BregmanIteration(IterativeSolver solver, int steps) {
        if (solver == null || steps < 1) {
            throw new IllegalArgumentException("Bregman iteration needs a solver and steps >= 1, got " + steps);
        }
        this.solver = solver;
        this.steps = steps;
    }

    @Override
    public String name() {
        return solver.name() + ", " + steps + " Bregman steps";
    }

    @Override
    public NDArray reconstruct(NDArray measurements, ForwardOperator operator, ProgressMonitor progress) {
        ProgressMonitor monitor = progress == null ? ProgressMonitor.NONE : progress;
        NDManager owner = measurements.getManager();
        try (NDManager scope = owner.newSubManager()) {
            NDArray y = measurements.toType(DataType.FLOAT32, true);
            y.attach(scope);
            NDArray shifted = y;
            NDArray x = solver.reconstruct(y, operator, null, monitor);
            for (int k = 1; k < steps; k++) {
                monitor.checkCancelled();
                shifted = shifted.add(y.sub(operator.apply(x)));
                x = solver.reconstruct(shifted, operator, x, monitor);
            }
            x.attach(owner);
            return x;
        }
    }
}
