package org.learnedrecon.physics;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.function.UnaryOperator;

/**
 * One computation on an array in a memory scope of its own: the input is lent to a sub-manager of its manager
 * ({@code tempAttach}: it goes back to its owner afterwards, so arrays made from {@code input.getManager()} are
 * scoped too), every intermediate array is freed at the end, and only the result is kept, attached to the input's
 * manager as the {@link ForwardOperator} contract requires.
 */
public final class ResultScope {

    private ResultScope() {
    }

    public static NDArray compute(NDArray input, UnaryOperator<NDArray> work) {
        NDManager parent = input.getManager();
        try (NDManager scope = parent.newSubManager()) {
            input.tempAttach(scope);
            NDArray result = work.apply(input);
            result.attach(parent);
            return result;
        }
    }
}
