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
     * within {@code relative * max(|<A x, y>|, ||A x . y||) + absolute}, where {@code ||A x . y||} is the L2 norm of
     * the products summed: the size of a sum of {@code n} terms of random sign, and the scale of its float rounding.
     * Relative to {@code |<A x, y>|} alone the check failed at random: for random {@code x} and {@code y} the dot
     * product can land near zero while its rounding does not (0.08656 against 0.08655 at a tolerance of 1e-4, one CI
     * run in many).
     */
    public static void assertAdjoint(UnaryOperator<NDArray> apply, UnaryOperator<NDArray> adjoint, NDArray x,
            NDArray y, double relative, double absolute, String what) {
        NDArray terms = apply.apply(x).mul(y);
        double lhs = terms.sum().getFloat();
        double scale = Math.max(Math.abs(lhs), terms.square().sum().sqrt().getFloat());
        double rhs = x.mul(adjoint.apply(y)).sum().getFloat();
        assertEquals(lhs, rhs, relative * scale + absolute, what + ": <A x, y> vs <x, A* y>");
    }
}
