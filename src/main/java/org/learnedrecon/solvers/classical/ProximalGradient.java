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
 * approaches from below and FISTA needs {@code s <= 1 / ||A||^2}); {@link Builder#stepFraction} changes the
 * fraction of {@code 1 / ||A||^2} (BART uses 0.95), {@link Builder#stepSize} fixes the step outright.
 *
 * <p>Configured regularisers (e.g. L1-wavelet MRI) give it their own {@link Builder#name name} for progress
 * messages and errors.
 */
public final class ProximalGradient extends IterativeSolver {

    private final String name;
    private final Proximal proximal;
    private final double stepSize;
    private final double stepFraction;
    private final int normIterations;

    private ProximalGradient(Builder builder) {
        super(builder);
        if (builder.name == null || builder.name.isBlank()) {
            throw new IllegalArgumentException("FISTA: the name must not be empty");
        }
        if (builder.proximal == null) {
            throw new IllegalArgumentException("FISTA: a proximal operator is required (Proximal.NONE for none)");
        }
        if (!(builder.stepSize >= 0) || Double.isInfinite(builder.stepSize)) {
            throw new IllegalArgumentException("FISTA: stepSize must be > 0 (or 0 for automatic), got "
                + builder.stepSize);
        }
        if (!(builder.stepFraction > 0 && builder.stepFraction <= 1)) {
            throw new IllegalArgumentException("FISTA: stepFraction must be in (0, 1] (FISTA needs s <= 1 / ||A||^2), "
                + "got " + builder.stepFraction);
        }
        if (builder.normIterations <= 0) {
            throw new IllegalArgumentException("FISTA: normIterations must be positive, got "
                + builder.normIterations);
        }
        this.name = builder.name;
        this.proximal = builder.proximal;
        this.stepSize = builder.stepSize;
        this.stepFraction = builder.stepFraction;
        this.normIterations = builder.normIterations;
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    protected IterationState start(NDArray y, ForwardOperator operator, NDArray x0, NDManager work) {
        double step = stepSize;
        if (step == 0) {
            double normSquared = PowerIteration.largestEigenvalue(operator::normal, operator.domainShape(), work,
                normIterations);
            if (!(normSquared > 0)) {
                throw new IllegalArgumentException(name + ": the operator appears to be zero (||A||^2 estimate "
                    + normSquared + ")");
            }
            step = stepFraction / normSquared;
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
        private String name = "FISTA";
        private Proximal proximal;
        private double stepSize;
        private double stepFraction = 1 / 1.05;
        private int normIterations = 30;

        /** The solver's {@link ProximalGradient#name()}, shown in progress messages and errors (default "FISTA"). */
        public Builder name(String name) {
            this.name = name;
            return this;
        }

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

        /**
         * The automatic step as a fraction of {@code 1 / ||A||^2}, in {@code (0, 1]} (default {@code 1 / 1.05}:
         * a 5 % margin, as the power-iteration estimate of {@code ||A||} approaches from below).
         */
        public Builder stepFraction(double stepFraction) {
            this.stepFraction = stepFraction;
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
