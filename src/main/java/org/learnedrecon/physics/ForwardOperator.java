package org.learnedrecon.physics;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Random;

/**
 * A linear forward model {@code A : X -> Y}, the one abstraction every solver (classical or learned) is written
 * against, after deepinv's {@code Physics} and ODL's {@code Operator}.
 *
 * <p>Tensors are batched over their first axis: {@link #apply} takes {@code (B, domainShape...)} and returns
 * {@code (B, rangeShape...)}; {@link #adjoint} the reverse. Both spaces are real Euclidean spaces (complex data is
 * stored as a real axis of length 2, see the MRI package), so the adjoint satisfies
 * {@code <A x, y> = <x, A* y>} for the plain real dot product. Implementations that can be differentiated through
 * (by DJL autograd) say so in {@link #isDifferentiable()}; learned solvers require it.
 *
 * <p>Results are attached to the manager of the input array.
 */
public interface ForwardOperator {

    /** Relative change between consecutive power-iteration steps at which {@link #normEstimate} stops. */
    double NORM_TOLERANCE = 1e-5;

    /** Shape of one element of the domain (no batch axis), e.g. {@code (H, W)} for a CT image. */
    Shape domainShape();

    /** Shape of one element of the range (no batch axis), e.g. {@code (angles, detectors)} for a sinogram. */
    Shape rangeShape();

    /** {@code A x} for a batch {@code x} of shape {@code (B, domainShape...)}. */
    NDArray apply(NDArray x);

    /** {@code A* y} for a batch {@code y} of shape {@code (B, rangeShape...)}. */
    NDArray adjoint(NDArray y);

    /** True when {@link #apply} and {@link #adjoint} are built from differentiable DJL operations. */
    default boolean isDifferentiable() {
        return false;
    }

    /**
     * The same operator for solvers that need no gradients through it (the learned solvers' initial reconstruction,
     * in training and at inference): a faster twin where there is one (CT's multi-threaded Java ray transform for the
     * sparse-matrix one: a training step with a TV start took 3-4 s instead of 19-21 s), else this. Always the same
     * instance for the same operator, so values kept per operator ({@code OperatorMemo}) stay valid.
     */
    default ForwardOperator withoutAutograd() {
        return this;
    }

    /** {@code A* A x}, the normal operator. */
    default NDArray normal(NDArray x) {
        try (NDArray ax = apply(x)) {
            return adjoint(ax);
        }
    }

    /**
     * Estimates the operator norm {@code ||A||} (largest singular value) by {@code iterations} steps of power
     * iteration on {@code A* A}, from a start drawn with a fixed-seed Java {@link Random} (not the engine's global
     * generator), so the estimate does not depend on what ran before: the plug-and-play step sizes and the
     * normalisation recorded in a model file derive from it (TV and proximal gradient use their own
     * {@code PowerIteration}, 30 fixed steps: TV's {@code ||K||} settles too slowly for an early stop). It stops
     * early once two consecutive estimates agree to {@value #NORM_TOLERANCE} (relative): for the ray transforms here
     * that happens after 5-7 steps (512^2, 60 views: 172.23838 after 5 against 172.23845 after 30), and the 25 steps
     * saved took 1.0-3.5 s at 512^2.
     */
    default double normEstimate(NDManager manager, int iterations) {
        try (NDManager scope = manager.newSubManager()) {
            Shape shape = new Shape(1).addAll(domainShape());
            float[] start = new float[Math.toIntExact(shape.size())];
            Random random = new Random(0x5eedL);
            for (int i = 0; i < start.length; i++) {
                start[i] = random.nextFloat() + 0.5f;
            }
            NDArray x = scope.create(start, shape);
            double sigma = 0;
            for (int i = 0; i < iterations; i++) {
                x = x.div(x.norm());
                NDArray normal = adjoint(apply(x));
                double previous = sigma;
                sigma = Math.sqrt(normal.norm().getFloat());
                x = normal;
                if (Math.abs(sigma - previous) <= NORM_TOLERANCE * sigma) {
                    break;
                }
            }
            return sigma;
        }
    }
}
