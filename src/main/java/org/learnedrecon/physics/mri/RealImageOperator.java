package org.learnedrecon.physics.mri;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import org.learnedrecon.physics.ForwardOperator;

/**
 * An MRI operator restricted to real images: {@code A_R x = A (x + 0 i)} on images {@code (B, H, W)}, adjoint
 * {@code Re(A* y)} (the adjoint for the real inner product). Simulated k-space of a real image is Hermitian
 * symmetric, so a line and its mirror {@code -k} carry the same information; a solver over real images uses that, as
 * networks trained on real images learn to. For baselines that should know what such networks know
 * ({@code SolverComparison}'s "TV, real image").
 */
public final class RealImageOperator implements ForwardOperator {

    private final ForwardOperator complex;

    /** @param complex an operator on complex images {@code (2, H, W)} (real, imaginary) */
    public RealImageOperator(ForwardOperator complex) {
        Shape d = complex.domainShape();
        if (d.dimension() != 3 || d.get(0) != 2) {
            throw new IllegalArgumentException("A real-image restriction needs complex images (2, H, W), got " + d);
        }
        this.complex = complex;
    }

    @Override
    public Shape domainShape() {
        Shape d = complex.domainShape();
        return new Shape(d.get(1), d.get(2));
    }

    @Override
    public Shape rangeShape() {
        return complex.rangeShape();
    }

    @Override
    public boolean isDifferentiable() {
        return complex.isDifferentiable();
    }

    @Override
    public NDArray apply(NDArray x) {
        return complex.apply(ComplexArithmetic.fromReal(x));
    }

    @Override
    public NDArray adjoint(NDArray y) {
        return ComplexArithmetic.real(complex.adjoint(y));
    }
}
