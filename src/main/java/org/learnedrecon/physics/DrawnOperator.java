package org.learnedrecon.physics;

import ai.djl.ndarray.NDManager;
import java.util.function.Function;

/**
 * The base of {@link RandomAcquisitionOperator}s: calls go to the operator of the current draw
 * ({@link #operator()}), and each draw's arrays live in their own sub-manager of the given one, freed when the next
 * draw replaces it ({@link #use}).
 *
 * @param <T> the kind of operator a draw is
 */
public abstract class DrawnOperator<T extends ForwardOperator> extends ForwardingOperator
    implements RandomAcquisitionOperator {

    private final NDManager manager;
    private NDManager current;
    private T operator;

    protected DrawnOperator(NDManager manager) {
        this.manager = manager;
    }

    /** Makes {@code build}'s operator, in a new sub-manager, the current draw, and frees the previous draw. */
    protected final void use(Function<NDManager, T> build) {
        NDManager next = manager.newSubManager();
        operator = build.apply(next);
        if (current != null) {
            current.close();
        }
        current = next;
    }

    /** The manager the draws' sub-managers come from, for arrays that outlive one draw. */
    protected final NDManager manager() {
        return manager;
    }

    /** The operator of the current draw. */
    @Override
    public T operator() {
        return operator;
    }
}
