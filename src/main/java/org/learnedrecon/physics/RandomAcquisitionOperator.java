package org.learnedrecon.physics;

import java.util.OptionalDouble;
import java.util.Random;

/**
 * A forward operator whose acquisition is drawn at random, such as an MRI sampling mask of a random pattern.
 * Training draws a new acquisition for each batch ({@code org.learnedrecon.training.MeasurementTask}), so a learned
 * solver learns the pattern, not one draw of it. Between draws the operator is an ordinary linear operator; a
 * network that holds it sees the current draw.
 */
public interface RandomAcquisitionOperator extends ForwardOperator {

    /** Replaces the acquisition by a new draw from {@code random}. */
    void draw(Random random);

    /**
     * The norm of the current draw when draws differ in norm (CT scans of different view counts), for networks
     * that normalise the operator by its norm; empty (the default) when every draw has the norm of the first (MRI
     * masks of one pattern), so the network keeps the norm it was built with.
     */
    default OptionalDouble drawNorm() {
        return OptionalDouble.empty();
    }
}
