package org.learnedrecon.solvers.classical;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * The evolving state of one run of an {@link IterativeSolver}. All its arrays live in the run's work manager.
 * {@link #step} receives a fresh per-iteration manager: the implementation moves its previous state arrays into it
 * ({@code attach}, so they are freed when the step ends), borrows its constants ({@code tempAttach}, returned to
 * the work manager afterwards), computes (all results then land in the step manager, since DJL puts a result in
 * the manager of its first operand) and attaches its new state arrays to {@code work}.
 */
interface IterationState {

    /** Performs one iteration; returns the relative change of the estimate. */
    double step(NDManager step, NDManager work);

    /** The current estimate, owned by the work manager. */
    NDArray estimate();
}
