package org.learnedrecon.solvers.classical;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.learnedrecon.physics.ForwardOperator;

/**
 * SIRT, the simultaneous iterative reconstruction technique: {@code x <- x + relax * C A* (R (y - A x))} with the
 * row-sum weights {@code R = 1 / (A 1)} and column-sum weights {@code C = 1 / (A* 1)}, both computed through the
 * operator (as ASTRA and TIGRE do). Entries where a sum is zero (rays missing the image, pixels seen by no ray)
 * get weight 0. It minimises the R-weighted residual {@code ||y - A x||_R^2}, which decreases monotonically for
 * {@code 0 < relax < 2}. Meant for operators with non-negative entries (CT ray transforms); optionally projects
 * onto {@code x >= 0} after every update.
 */
public final class Sirt extends IterativeSolver {

    private final double relaxation;
    private final boolean nonNegative;

    private Sirt(Builder builder) {
        super(builder);
        if (!(builder.relaxation > 0 && builder.relaxation < 2)) {
            throw new IllegalArgumentException("SIRT: relaxation must be in (0, 2), got " + builder.relaxation);
        }
        this.relaxation = builder.relaxation;
        this.nonNegative = builder.nonNegative;
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String name() {
        return "SIRT";
    }

    @Override
    protected IterationState start(NDArray y, ForwardOperator operator, NDArray x0, NDManager work) {
        NDArray rowWeights;
        NDArray columnWeights;
        try (NDManager scope = work.newSubManager()) {
            NDArray onesDomain = scope.ones(new Shape(1).addAll(operator.domainShape()), DataType.FLOAT32);
            NDArray onesRange = scope.ones(new Shape(1).addAll(operator.rangeShape()), DataType.FLOAT32);
            rowWeights = inverseOrZero(operator.apply(onesDomain));
            columnWeights = inverseOrZero(operator.adjoint(onesRange)).mul(relaxation);
            BatchedVectors.keep(work, rowWeights, columnWeights);
        }
        NDArray start = nonNegative ? x0.maximum(0f) : x0;
        return new IterationState() {
            private NDArray x = start;

            @Override
            public double step(NDManager step, NDManager keep) {
                BatchedVectors.own(step, x);
                BatchedVectors.borrow(step, y, rowWeights, columnWeights);
                NDArray residual = operator.apply(x).neg().addi(y).muli(rowWeights);
                NDArray next = x.add(operator.adjoint(residual).muli(columnWeights));
                if (nonNegative) {
                    next = next.maximum(0f);
                }
                double change = BatchedVectors.relativeChange(next, x);
                BatchedVectors.keep(keep, next);
                x = next;
                return change;
            }

            @Override
            public NDArray estimate() {
                return x;
            }
        };
    }

    /** {@code 1 / s} where {@code s > 0}, else 0 (in the manager of {@code sums}). */
    private static NDArray inverseOrZero(NDArray sums) {
        NDArray positive = sums.gt(0f);
        return sums.maximum(Float.MIN_NORMAL).pow(-1f).mul(positive.toType(DataType.FLOAT32, false));
    }

    /** SIRT parameters: iterations, tolerance, listener, plus relaxation and non-negativity. */
    public static final class Builder extends IterativeSolver.Builder<Builder> {
        private double relaxation = 1.0;
        private boolean nonNegative;

        /** Relaxation factor in (0, 2) (default 1). */
        public Builder relaxation(double relaxation) {
            this.relaxation = relaxation;
            return this;
        }

        /** Project onto {@code x >= 0} after every update (default false). */
        public Builder nonNegative(boolean nonNegative) {
            this.nonNegative = nonNegative;
            return this;
        }

        public Sirt build() {
            return new Sirt(this);
        }
    }
}
