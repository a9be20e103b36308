package org.learnedrecon.physics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import java.util.function.UnaryOperator;

/** The dot-product test of an adjoint, {@code <A x, y> = <x, A* y>}, up to the float rounding the caller allows. */
public final class AdjointCheck {

    private AdjointCheck() {
    }

    /** For {@code op}, with {@code x} in its domain and {@code y} in its range (batched). */
    public static void assertAdjoint(ForwardOperator op, NDArray x, NDArray y, double relative, double absolute) {
        assertAdjoint(op::apply, op::adjoint, x, y, relative, absolute, op.getClass().getSimpleName());
    }

    /**
     * For any linear map and its claimed adjoint (e.g. an image gradient): fails unless the two dot products agree
     * within {@code relative * |<A x, y>| + absolute}.
     */
    public static void assertAdjoint(UnaryOperator<NDArray> apply, UnaryOperator<NDArray> adjoint, NDArray x,
            NDArray y, double relative, double absolute, String what) {
        double lhs = apply.apply(x).mul(y).sum().getFloat();
        double rhs = x.mul(adjoint.apply(y)).sum().getFloat();
        assertEquals(lhs, rhs, relative * Math.abs(lhs) + absolute, what + ": <A x, y> vs <x, A* y>");
    }
}
