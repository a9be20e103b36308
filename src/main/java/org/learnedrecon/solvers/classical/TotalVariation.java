package org.learnedrecon.solvers.classical;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.learnedrecon.physics.ForwardOperator;
import org.learnedrecon.solvers.OperatorMemo;

/**
 * Total-variation regularised least squares, {@code min_x 1/2 ||A x - y||^2 + lambda TV(x)} (optionally subject
 * to {@code x >= 0}), solved by the Chambolle-Pock primal-dual algorithm (Chambolle and Pock 2011, algorithm 1
 * with theta = 1).
 *
 * <p>TV is isotropic on the last two axes: {@code TV(x) = sum_pixels sqrt(sum_{c, d} (D_d x_c)^2)} with
 * {@link ImageGradient forward differences} {@code D_d}, the sum under the root running over both directions and
 * over every leading per-sample axis {@code c}; a complex MRI image stored as {@code (2, H, W)} thus has the TV of
 * its complex modulus gradient. Non-negativity is for CT (real, non-negative attenuation); leave it off for MRI.
 *
 * <p>Step sizes: with {@code K = [A; s grad]} and {@code s = ||A|| / sqrt(8)} (balancing the two blocks so the
 * dual variables of both converge at similar rates; the regulariser becomes {@code (lambda/s) ||s grad x||_2,1},
 * the same objective), {@code tau = sigma = 1 / L} with {@code L = 1.05 ||K||}, {@code ||A||} and {@code ||K||}
 * both estimated by fixed-seed power iteration; 5 % margin because power iteration approaches from below and
 * Chambolle-Pock needs {@code tau sigma ||K||^2 < 1}.
 */
public final class TotalVariation extends IterativeSolver {

    private static final double NORM_MARGIN = 1.05;

    private final double lambda;
    private final boolean nonNegative;
    private final int normIterations;
    /**
     * {@code ||A||, ||K||} of the last operator seen: a stack solved slice by slice through one operator estimates
     * them once (60 applications of {@code A* A}, 40-50 s for CT at 512 x 512 with 720 views), not per slice.
     */
    private final OperatorMemo<double[]> norms;

    private TotalVariation(Builder builder) {
        this(builder, new OperatorMemo<>());
    }

    private TotalVariation(Builder builder, OperatorMemo<double[]> norms) {
        super(builder);
        if (!(builder.lambda >= 0) || Double.isInfinite(builder.lambda)) {
            throw new IllegalArgumentException("TV: lambda must be a finite number >= 0, got " + builder.lambda);
        }
        if (builder.normIterations <= 0) {
            throw new IllegalArgumentException("TV: normIterations must be positive, got " + builder.normIterations);
        }
        this.lambda = builder.lambda;
        this.nonNegative = builder.nonNegative;
        this.normIterations = builder.normIterations;
        this.norms = norms;
    }

    /**
     * The same solver at another weight, sharing this one's operator norm estimates (they do not depend on lambda),
     * so a search over lambda ({@link DiscrepancyPrinciple}) estimates them once.
     */
    public TotalVariation withLambda(double lambda) {
        Builder b = builder().iterations(iterations()).tolerance(tolerance()).listener(listener()).lambda(lambda)
            .nonNegative(nonNegative).normIterations(normIterations);
        return new TotalVariation(b, norms);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The TV weight {@code lambda}. */
    public double lambda() {
        return lambda;
    }

    @Override
    public String name() {
        return "TV";
    }

    @Override
    protected IterationState start(NDArray y, ForwardOperator operator, NDArray x0, NDManager work) {
        if (operator.domainShape().dimension() < 2) {
            throw new IllegalArgumentException("TV: the operator's domain must end in two image axes (H, W), got "
                + operator.domainShape());
        }
        double[] norms = this.norms.get(operator, () -> norms(operator, work));
        float scale = (float) (norms[0] / ImageGradient.NORM_BOUND);
        float step = (float) (1 / (NORM_MARGIN * norms[1]));
        float bound = (float) (lambda / scale);
        NDArray start = nonNegative ? x0.maximum(0f) : x0;
        NDArray p0 = y.zerosLike();
        NDArray q0 = ImageGradient.apply(start).zerosLike();
        return new IterationState() {
            private NDArray x = start;
            private NDArray xBar = start.duplicate();
            private NDArray p = p0;
            private NDArray q = q0;

            @Override
            public double step(NDManager scope, NDManager keep) {
                BatchedVectors.own(scope, x, xBar, p, q);
                BatchedVectors.borrow(scope, y);
                // dual of F1(z) = 1/2 ||z - y||^2: prox gives (p + sigma (A xbar - y)) / (1 + sigma)
                NDArray nextP = p.add(operator.apply(xBar).subi(y).muli(step)).divi(1 + step);
                // dual of (lambda/s) ||.||_2,1: project each pixel's (direction, channel) vector onto the ball
                NDArray nextQ = q.add(ImageGradient.apply(xBar).muli(scale * step));
                NDArray magnitude = nextQ.square().sum(magnitudeAxes(nextQ), true).sqrt();
                nextQ = bound > 0 ? nextQ.divi(magnitude.divi(bound).maximum(1f)) : nextQ.zerosLike();
                NDArray nextX = x.sub(operator.adjoint(nextP).addi(ImageGradient.adjoint(nextQ).muli(scale))
                    .muli(step));
                if (nonNegative) {
                    nextX = nextX.maximum(0f);
                }
                NDArray nextXBar = nextX.mul(2f).subi(x);
                double change = BatchedVectors.relativeChange(nextX, x);
                BatchedVectors.keep(keep, nextX, nextXBar, nextP, nextQ);
                x = nextX;
                xBar = nextXBar;
                p = nextP;
                q = nextQ;
                return change;
            }

            @Override
            public NDArray estimate() {
                return x;
            }
        };
    }

    /** {@code ||A||} and {@code ||K||} (class comment) by power iteration: they depend on the operator only. */
    private double[] norms(ForwardOperator operator, NDManager work) {
        double normA = Math.sqrt(PowerIteration.largestEigenvalue(operator::normal, operator.domainShape(), work,
            normIterations));
        if (!(normA > 0)) {
            throw new IllegalArgumentException("TV: the operator appears to be zero (||A|| estimate " + normA + ")");
        }
        float scale = (float) (normA / ImageGradient.NORM_BOUND);
        double normK = Math.sqrt(PowerIteration.largestEigenvalue(
            v -> operator.normal(v).addi(ImageGradient.adjoint(ImageGradient.apply(v)).muli(scale * scale)),
            operator.domainShape(), work, normIterations));
        return new double[] {normA, normK};
    }

    /** Axes of {@code (B, 2, c..., H, W)} summed for the isotropic magnitude: direction and channel axes. */
    private static int[] magnitudeAxes(NDArray q) {
        int[] axes = new int[q.getShape().dimension() - 3];
        for (int i = 0; i < axes.length; i++) {
            axes[i] = i + 1;
        }
        return axes;
    }

    /** TV parameters: iterations, tolerance, listener, plus lambda, non-negativity, power iterations. */
    public static final class Builder extends IterativeSolver.Builder<Builder> {
        private double lambda = 0.01;
        private boolean nonNegative;
        private int normIterations = 30;

        /** TV weight {@code lambda >= 0} in the units of {@code 1/2 ||A x - y||^2} (default 0.01). */
        public Builder lambda(double lambda) {
            this.lambda = lambda;
            return this;
        }

        /** Constrain {@code x >= 0} (true for CT; false, the default, for MRI). */
        public Builder nonNegative(boolean nonNegative) {
            this.nonNegative = nonNegative;
            return this;
        }

        /** Power iterations for the operator norm estimates (default 30). */
        public Builder normIterations(int normIterations) {
            this.normIterations = normIterations;
            return this;
        }

        public TotalVariation build() {
            return new TotalVariation(this);
        }
    }
}
