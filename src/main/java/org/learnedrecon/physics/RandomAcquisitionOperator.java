package org.learnedrecon.physics;

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
}
