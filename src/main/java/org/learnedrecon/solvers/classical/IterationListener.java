package org.learnedrecon.solvers.classical;

import ai.djl.ndarray.NDArray;

/**
 * Observes an {@link IterativeSolver} after every iteration, e.g. to record PSNR against the iteration count in a
 * benchmark. The estimate is valid only during the call and must not be modified or kept; arrays the listener
 * derives from it are freed when the call returns.
 */
@FunctionalInterface
public interface IterationListener {

    /**
     * @param iteration 1-based number of the iteration just finished
     * @param estimate the current estimate {@code (B, domainShape...)}
     * @param relativeChange {@code ||x_k - x_(k-1)|| / ||x_(k-1)||} over the whole batch (infinite when
     *     {@code x_(k-1) = 0})
     */
    void iterationDone(int iteration, NDArray estimate, double relativeChange);
}
