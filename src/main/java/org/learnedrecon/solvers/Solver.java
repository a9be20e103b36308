package org.learnedrecon.solvers;

import ai.djl.ndarray.NDArray;
import org.learnedrecon.physics.ForwardOperator;

/**
 * Recovers images from measurements through a {@link ForwardOperator}. Classical solvers (FBP, SIRT, CGLS, TV,
 * CG-SENSE, ...) and learned solvers (unrolled networks, plug-and-play, post-processing) all implement it, so a
 * command, a benchmark or a test can swap one for another.
 */
public interface Solver {

    /** A short name for tables and logs, e.g. {@code "TV"} or {@code "Learned primal-dual"}. */
    String name();

    /**
     * Reconstructs a batch.
     *
     * @param measurements {@code (B, operator.rangeShape()...)}; never modified
     * @param operator the forward model that produced the measurements
     * @param progress receives one report per iteration; cancellation throws
     *     {@link java.util.concurrent.CancellationException}
     * @return {@code (B, operator.domainShape()...)}, attached to the manager of {@code measurements}
     */
    NDArray reconstruct(NDArray measurements, ForwardOperator operator, ProgressMonitor progress);
}
