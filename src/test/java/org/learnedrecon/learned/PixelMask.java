package org.learnedrecon.learned;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import org.learnedrecon.physics.ForwardOperator;
import org.learnedrecon.solvers.ProgressMonitor;

/**
 * {@code A x = M x} for a fixed 0/1 pixel mask {@code M} (self-adjoint); all ones is the identity. For the posterior
 * sampler tests, with their shared seed check.
 */
record PixelMask(NDArray mask) implements ForwardOperator {

    /**
     * Asserts that {@code sampler} gives the same 3 samples for the same seed and others for another seed; returns
     * the first draw.
     */
    static NDArray assertSeeded(PosteriorSampler sampler, NDArray y, PixelMask operator) {
        NDArray a = sampler.sample(y, operator, 3, 42, ProgressMonitor.NONE);
        NDArray b = sampler.sample(y, operator, 3, 42, ProgressMonitor.NONE);
        NDArray c = sampler.sample(y, operator, 3, 43, ProgressMonitor.NONE);
        assertArrayEquals(a.toFloatArray(), b.toFloatArray());
        assertFalse(Arrays.equals(a.toFloatArray(), c.toFloatArray()));
        return a;
    }

    @Override
    public Shape domainShape() {
        return mask.getShape();
    }

    @Override
    public Shape rangeShape() {
        return mask.getShape();
    }

    @Override
    public NDArray apply(NDArray x) {
        return x.mul(mask);
    }

    @Override
    public NDArray adjoint(NDArray y) {
        return y.mul(mask);
    }
}
