package org.learnedrecon.solvers;

import ai.djl.ndarray.NDArray;
import java.util.ArrayList;
import java.util.List;
import org.learnedrecon.physics.ForwardOperator;
import org.learnedrecon.physics.ForwardingOperator;

/** An operator for tests: applies another one and adds {@code "A"} or {@code "A*"} to {@link #events} each time. */
public final class RecordingOperator extends ForwardingOperator {

    /** One entry per application, in order; tests may add their own entries (e.g. cancellation polls). */
    public final List<String> events;

    public RecordingOperator(ForwardOperator operator) {
        this(operator, new ArrayList<>());
    }

    private final ForwardOperator operator;

    public RecordingOperator(ForwardOperator operator, List<String> events) {
        this.operator = operator;
        this.events = events;
    }

    @Override
    public ForwardOperator operator() {
        return operator;
    }

    @Override
    public NDArray apply(NDArray x) {
        events.add("A");
        return super.apply(x);
    }

    @Override
    public NDArray adjoint(NDArray y) {
        events.add("A*");
        return super.adjoint(y);
    }
}
