package org.learnedrecon.physics;

import ai.djl.ndarray.NDArray;
import java.util.OptionalDouble;
import java.util.Random;

/**
 * An operator that can be restricted to a subset of its measurement entries: {@code A_S x = M_S A x} and
 * {@code A_S* y = A* M_S y}, with {@code M_S} a 0/1 array of the range's shape ({@link #restrict}); unrestricted it is
 * the base operator. Training from split measurements (SSDU, {@code org.learnedrecon.training.SplitMeasurementLoss})
 * gives the network one part of each acquisition through this operator and scores its output on the other part.
 * Draws of a random base acquisition ({@link RandomAcquisitionOperator}) are handed on, so the subset is taken of
 * the current draw.
 */
public final class SubsetOperator extends ForwardingOperator implements RandomAcquisitionOperator {

    private final ForwardOperator base;
    private NDArray entries;

    public SubsetOperator(ForwardOperator base) {
        this.base = base;
    }

    /** The operator without restriction. */
    @Override
    public ForwardOperator operator() {
        return base;
    }

    /**
     * Restricts the operator to the entries where {@code subset} (shape: the range's, broadcast over the batch) is 1,
     * until the next call; {@code null} lifts the restriction. The array is used, not copied: keep it open meanwhile.
     */
    public void restrict(NDArray subset) {
        if (subset != null && !subset.getShape().equals(base.rangeShape())) {
            throw new IllegalArgumentException("A subset of the measurements must have the range's shape "
                + base.rangeShape() + ", got " + subset.getShape());
        }
        entries = subset;
    }

    @Override
    public NDArray apply(NDArray x) {
        NDArray y = base.apply(x);
        return entries == null ? y : y.mul(entries);
    }

    @Override
    public NDArray adjoint(NDArray y) {
        return base.adjoint(entries == null ? y : y.mul(entries));
    }

    @Override
    public void draw(Random random) {
        if (base instanceof RandomAcquisitionOperator) {
            ((RandomAcquisitionOperator) base).draw(random);
        }
    }

    @Override
    public OptionalDouble drawNorm() {
        return base instanceof RandomAcquisitionOperator ? ((RandomAcquisitionOperator) base).drawNorm()
            : OptionalDouble.empty();
    }
}
