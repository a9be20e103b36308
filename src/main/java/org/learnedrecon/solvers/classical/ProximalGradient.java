package org.learnedrecon.solvers.classical;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.learnedrecon.physics.ForwardOperator;

/**
 * FISTA (Beck and Teboulle 2009): accelerated proximal gradient for {@code min_x 1/2 ||A x - y||^2 + g(x)} with
 * {@code g} given by its {@link Proximal} operator:
 * {@code x_k = prox(z - s A*(A z - y), s)}, {@code t_k = (1 + sqrt(1 + 4 t^2)) / 2},
 * {@code z = x_k + ((t_(k-1) - 1) / t_k) (x_k - x_(k-1))}. The step {@code s} defaults to
 * {@code 1 / (1.05 ||A||^2)}, {@code ||A||} estimated by fixed-seed power iteration (5 % margin as the estimate
 * approaches from below and FISTA needs {@code s <= 1 / ||A||^2}); {@link Builder#stepSize} overrides it.
 */
public final class ProximalGradient extends IterativeSolver {

    private static final double NORM_MARGIN = 1.05;

    private final Proximal proximal;
    private final double stepSize;
    private final int normIterations;

    private ProximalGradient(Builder builder) {
        super(builder);
        if (builder.proximal == null) {
            throw new IllegalArgumentException("FISTA: a proximal operator is required (Proximal.NONE for none)");
        }
        if (!(builder.stepSize >= 0) || Double.isInfinite(builder.stepSize)) {
            throw new IllegalArgumentException("FISTA: stepSize must be > 0 (or 0 for automatic), got "
                + builder.stepSize);
        }
        if (builder.normIterations <= 0) {
            throw new IllegalArgumentException("FISTA: normIterations must be positive, got "
                + builder.normIterations);
        }
        this.proximal = builder.proximal;
        this.stepSize = builder.stepSize;
        this.normIterations = builder.normIterations;
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String name() {
        return "FISTA";
    }

    @Override
    protected IterationState start(NDArray y, ForwardOperator operator, NDArray x0, NDManager work) {
        double step = stepSize;
        if (step == 0) {
            double normSquared = PowerIteration.largestEigenvalue(operator::normal, operator.domainShape(), work,
                normIterations);
            if (!(normSquared > 0)) {
                throw new IllegalArgumentException("FISTA: the operator appears to be zero (||A||^2 estimate "
                    + normSquared + ")");
            }
            step = 1 / (NORM_MARGIN * normSquared);
        }
        float s = (float) step;
        return new IterationState() {
            private NDArray x = x0;
            private NDArray z = x0.duplicate();
            private double t = 1;

            @Override
            public double step(NDManager scope, NDManager keep) {
                BatchedVectors.own(scope, x, z);
                BatchedVectors.borrow(scope, y);
                NDArray gradient = operator.adjoint(operator.apply(z).subi(y));
                NDArray nextX = proximal.prox(z.sub(gradient.muli(s)), s);
                double nextT = (1 + Math.sqrt(1 + 4 * t * t)) / 2;
                NDArray nextZ = nextX.sub(x).muli((float) ((t - 1) / nextT)).addi(nextX);
                double change = BatchedVectors.relativeChange(nextX, x);
                BatchedVectors.keep(keep, nextX, nextZ);
                x = nextX;
                z = nextZ;
                t = nextT;
                return change;
            }

            @Override
            public NDArray estimate() {
                return x;
            }
        };
    }

    /** FISTA parameters: iterations, tolerance, listener, plus the proximal operator and step size. */
    public static final class Builder extends IterativeSolver.Builder<Builder> {
        private Proximal proximal;
        private double stepSize;
        private int normIterations = 30;

        /** The regulariser's proximal operator (required). */
        public Builder proximal(Proximal proximal) {
            this.proximal = proximal;
            return this;
        }

        /** Gradient step {@code s <= 1 / ||A||^2}; 0 (default) estimates it by power iteration. */
        public Builder stepSize(double stepSize) {
            this.stepSize = stepSize;
            return this;
        }

        /** Power iterations for the automatic step size (default 30). */
        public Builder normIterations(int normIterations) {
            this.normIterations = normIterations;
            return this;
        }

        public ProximalGradient build() {
            return new ProximalGradient(this);
        }
    }
}
