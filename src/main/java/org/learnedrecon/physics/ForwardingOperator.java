package org.learnedrecon.physics;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * An operator that hands every call to another one, {@link #operator()}: the base of decorators that add something
 * around {@link #apply} and {@link #adjoint} (cancellation checks, recording in tests) and leave the maths alone, and
 * of operators whose maths is another operator's that changes between calls (a new random acquisition).
 */
public abstract class ForwardingOperator implements ForwardOperator {

    /** The operator the calls are handed to now. */
    public abstract ForwardOperator operator();

    /** The operator under every forwarding layer of {@code operator} (itself when it forwards to none). */
    public static ForwardOperator innermost(ForwardOperator operator) {
        ForwardOperator o = operator;
        while (o instanceof ForwardingOperator) {
            o = ((ForwardingOperator) o).operator();
        }
        return o;
    }

    @Override
    public Shape domainShape() {
        return operator().domainShape();
    }

    @Override
    public Shape rangeShape() {
        return operator().rangeShape();
    }

    @Override
    public boolean isDifferentiable() {
        return operator().isDifferentiable();
    }

    @Override
    public NDArray apply(NDArray x) {
        return operator().apply(x);
    }

    @Override
    public NDArray adjoint(NDArray y) {
        return operator().adjoint(y);
    }
}
