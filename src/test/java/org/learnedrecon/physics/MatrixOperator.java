package org.learnedrecon.physics;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * Test operator: a matrix {@code M (m x n)}, dense or sparse, acting on flattened samples, so solvers and networks
 * can be checked against linear algebra. {@code apply} is {@code M x}, {@code adjoint} {@code M^T y}, one column per
 * sample; results are moved to the input's manager (matMul attaches them to the matrix's).
 *
 * @param matrix {@code (rangeShape.size(), domainShape.size())}
 * @param transposed its transpose (for a sparse matrix, a sparse tensor of its own)
 * @param differentiable whether autograd may differentiate through it ({@link #isDifferentiable()})
 */
public record MatrixOperator(NDArray matrix, NDArray transposed, Shape rangeShape, Shape domainShape,
        boolean differentiable) implements ForwardOperator {

    @Override
    public NDArray apply(NDArray x) {
        return multiply(matrix, x, domainShape, rangeShape);
    }

    @Override
    public NDArray adjoint(NDArray y) {
        return multiply(transposed, y, rangeShape, domainShape);
    }

    @Override
    public boolean isDifferentiable() {
        return differentiable;
    }

    private static NDArray multiply(NDArray m, NDArray samples, Shape from, Shape to) {
        long b = samples.getShape().get(0);
        NDArray product = m.matMul(samples.reshape(b, from.size()).transpose());
        product.attach(samples.getManager());
        return product.transpose().reshape(new Shape(b).addAll(to));
    }
}
