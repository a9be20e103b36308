package org.learnedrecon.physics;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * An operator that hands every call to another one: the base of decorators that add something around
 * {@link #apply} and {@link #adjoint} (cancellation checks, recording in tests) and leave the maths alone.
 */
public abstract class ForwardingOperator implements ForwardOperator {

    private final ForwardOperator operator;

    protected ForwardingOperator(ForwardOperator operator) {
        this.operator = operator;
    }

    /** The operator the calls are handed to. */
    public ForwardOperator operator() {
        return operator;
    }

    @Override
    public Shape domainShape() {
        return operator.domainShape();
    }

    @Override
    public Shape rangeShape() {
        return operator.rangeShape();
    }

    @Override
    public boolean isDifferentiable() {
        return operator.isDifferentiable();
    }

    @Override
    public NDArray apply(NDArray x) {
        return operator.apply(x);
    }

    @Override
    public NDArray adjoint(NDArray y) {
        return operator.adjoint(y);
    }
}
