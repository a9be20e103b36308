package org.learnedrecon.solvers.classical;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.learnedrecon.physics.ForwardOperator;
import org.learnedrecon.solvers.CancellableOperator;
import org.learnedrecon.solvers.OperatorMemo;
import org.learnedrecon.solvers.ProgressMonitor;
import org.learnedrecon.solvers.Solver;

/**
 * The simplest initial reconstruction: {@code A* y / ||A||^2}, the first Landweber step from zero with step
 * {@code 1/||A||^2}. Works for any operator; the learned solvers use it when no better classical solver (FBP,
 * zero-filled) is given.
 */
public final class ScaledAdjointReconstruction implements Solver {

    public static final String NAME = "Scaled adjoint";

    /** ||A|| of the last operator seen: estimated once, not on every batch of a stack. */
    private final OperatorMemo<Double> norm = new OperatorMemo<>();

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public NDArray reconstruct(NDArray measurements, ForwardOperator operator, ProgressMonitor progress) {
        progress.checkCancelled();
        double norm = this.norm.get(operator, () -> new CancellableOperator(operator, progress)
            .normEstimate(measurements.getManager(), 30));
        NDArray result;
        try (NDManager scope = measurements.getManager().newSubManager()) {
            NDArray adjoint = operator.adjoint(measurements);
            adjoint.attach(scope);
            result = adjoint.div(norm * norm);
            result.attach(measurements.getManager());
        }
        progress.progress(1, 1, NAME);
        return result;
    }
}
