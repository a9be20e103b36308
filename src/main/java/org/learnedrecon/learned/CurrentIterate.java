package org.learnedrecon.learned;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * The iterate of a plug-and-play loop, held in its own sub-manager of the solver's scope. {@link #replace} moves the
 * next iterate into a fresh sub-manager and closes the previous one, which frees the previous iterate together with
 * every temporary computed from it (the loops keep the iterate as the first operand, so DJL attaches the
 * temporaries to its manager). Memory thus stays at about one iteration's worth however many iterations run.
 */
final class CurrentIterate {

    private final NDManager scope;
    private NDManager holder;
    private NDArray value;

    CurrentIterate(NDManager scope, NDArray first) {
        this.scope = scope;
        this.holder = scope.newSubManager();
        first.attach(holder);
        this.value = first;
    }

    NDArray get() {
        return value;
    }

    void replace(NDArray next) {
        NDManager nextHolder = scope.newSubManager();
        next.attach(nextHolder);
        holder.close();
        holder = nextHolder;
        value = next;
    }

    /** The iterate times {@code factor}, attached to {@code owner}; the held iterate is freed. */
    NDArray scaledInto(double factor, NDManager owner) {
        NDArray result = value.mul(factor);
        result.attach(owner);
        holder.close();
        return result;
    }
}
