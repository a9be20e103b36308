package org.learnedrecon.solvers.classical;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.learnedrecon.physics.ForwardOperator;
import org.learnedrecon.solvers.CancellableOperator;
import org.learnedrecon.solvers.ProgressMonitor;
import org.learnedrecon.solvers.Solver;

/**
 * The loop shared by the iterative classical solvers: input checks, memory scoping, progress, cancellation,
 * early stopping and listeners. Subclasses supply only the iteration itself ({@link #start}).
 *
 * <p>Stopping: the run ends after {@code iterations} iterations, or earlier once the relative change of the
 * estimate, {@code ||x_k - x_(k-1)||_2 / ||x_(k-1)||_2} taken over the whole batch, is at most {@code tolerance}
 * ({@code tolerance = 0}, the default, disables early stopping).
 *
 * <p>Memory: the run works in a sub-manager of the measurements' manager and every iteration in a sub-manager of
 * that, so the number of live arrays does not grow with the iteration count; only the result is attached to the
 * measurements' manager. Work is done in float32; the measurements are copied, never modified.
 */
public abstract class IterativeSolver implements Solver {

    private final int iterations;
    private final double tolerance;
    private final IterationListener listener;

    protected IterativeSolver(Builder<?> builder) {
        if (builder.iterations <= 0) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": iterations must be positive, got "
                + builder.iterations);
        }
        if (!(builder.tolerance >= 0) || Double.isInfinite(builder.tolerance)) {
            throw new IllegalArgumentException(getClass().getSimpleName()
                + ": tolerance must be a finite number >= 0, got " + builder.tolerance);
        }
        this.iterations = builder.iterations;
        this.tolerance = builder.tolerance;
        this.listener = builder.listener;
    }

    /** The maximum number of iterations. */
    public int iterations() {
        return iterations;
    }

    /** The relative-change tolerance for early stopping (0: run all iterations). */
    public double tolerance() {
        return tolerance;
    }

    /** The listener told of every iteration, or null. */
    protected IterationListener listener() {
        return listener;
    }

    /** Reconstructs from a zero initial guess. */
    @Override
    public NDArray reconstruct(NDArray measurements, ForwardOperator operator, ProgressMonitor progress) {
        return reconstruct(measurements, operator, null, progress);
    }

    /**
     * Reconstructs a batch from an initial guess.
     *
     * @param measurements {@code (B, operator.rangeShape()...)}, finite; never modified
     * @param operator the forward model
     * @param initialGuess {@code (B, operator.domainShape()...)}, or {@code null} for zeros; never modified
     * @param progress one report per iteration; {@link ProgressMonitor#checkCancelled()} before each iteration
     *     and, through a {@link CancellableOperator}, before each application of the operator (set-up included)
     * @return float32 {@code (B, operator.domainShape()...)}, attached to the manager of {@code measurements}
     */
    public NDArray reconstruct(NDArray measurements, ForwardOperator operator, NDArray initialGuess,
        ProgressMonitor progress) {
        if (measurements == null || operator == null) {
            throw new IllegalArgumentException(name() + ": measurements and operator are required");
        }
        ProgressMonitor monitor = progress == null ? ProgressMonitor.NONE : progress;
        Shape measured = measurements.getShape();
        if (measured.dimension() != operator.rangeShape().dimension() + 1
            || !measured.slice(1).equals(operator.rangeShape())) {
            throw new IllegalArgumentException(name() + ": measurements must have shape (B, "
                + operator.rangeShape() + ") for this operator, got " + measured);
        }
        long batch = measured.get(0);
        Shape domain = new Shape(batch).addAll(operator.domainShape());
        if (initialGuess != null && !initialGuess.getShape().equals(domain)) {
            throw new IllegalArgumentException(name() + ": initial guess must have shape " + domain + ", got "
                + initialGuess.getShape());
        }
        NDManager caller = measurements.getManager();
        try (NDManager work = caller.newSubManager()) {
            NDArray y = copyToFloat(measurements, work);
            checkFinite(y, "measurements contain");
            NDArray x0;
            if (initialGuess == null) {
                x0 = work.zeros(domain, DataType.FLOAT32);
            } else {
                x0 = copyToFloat(initialGuess, work);
                checkFinite(x0, "initial guess contains");
            }
            IterationState state = start(y, new CancellableOperator(operator, monitor), x0, work);
            for (int k = 1; k <= iterations; k++) {
                monitor.checkCancelled();
                double change;
                try (NDManager step = work.newSubManager()) {
                    change = state.step(step, work);
                }
                if (listener != null) {
                    try (NDManager observe = work.newSubManager()) {
                        NDArray estimate = state.estimate();
                        estimate.tempAttach(observe);
                        listener.iterationDone(k, estimate, change);
                    }
                }
                monitor.progress(k, iterations, name() + ": iteration " + k + " of " + iterations);
                if (tolerance > 0 && change <= tolerance) {
                    break;
                }
            }
            NDArray result = state.estimate();
            result.attach(caller);
            return result;
        }
    }

    /**
     * Sets up a run: {@code y} and {@code x0} are private float32 copies owned by {@code work}, which is also where
     * the returned state keeps its arrays.
     */
    protected abstract IterationState start(NDArray y, ForwardOperator operator, NDArray x0, NDManager work);

    private NDArray copyToFloat(NDArray source, NDManager work) {
        NDArray copy = source.toType(DataType.FLOAT32, true);
        copy.attach(work);
        return copy;
    }

    private void checkFinite(NDArray array, String what) {
        try (NDManager scope = array.getManager().newSubManager()) {
            array.tempAttach(scope);
            if (array.isNaN().any().getBoolean() || array.isInfinite().any().getBoolean()) {
                throw new IllegalArgumentException(name() + ": the " + what + " NaN or infinite values");
            }
        }
    }

    /**
     * Parameters shared by the iterative solvers.
     *
     * @param <B> the concrete builder, for chaining
     */
    public abstract static class Builder<B extends Builder<B>> {
        private int iterations = 100;
        private double tolerance;
        private IterationListener listener;

        /** Maximum number of iterations, positive (default 100). */
        public B iterations(int iterations) {
            this.iterations = iterations;
            return self();
        }

        /** Stop once the relative change of the estimate is at most this (default 0: never stop early). */
        public B tolerance(double tolerance) {
            this.tolerance = tolerance;
            return self();
        }

        /** Called after every iteration (default none). */
        public B listener(IterationListener listener) {
            this.listener = listener;
            return self();
        }

        @SuppressWarnings("unchecked")
        protected B self() {
            return (B) this;
        }
    }
}
