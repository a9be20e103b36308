package org.learnedrecon.learned;

import ai.djl.ndarray.NDArray;
import org.learnedrecon.physics.ForwardOperator;
import org.learnedrecon.solvers.ProgressMonitor;

/**
 * Draws samples of the posterior {@code p(x | y)} for measurements {@code y = A x + noise}, with a learned prior,
 * written once against {@link ForwardOperator}: {@link DiffusionPosteriorSampler} (DiffPIR, the commands' sampler) and
 * {@link LangevinPosteriorSampler} (PnP-ULA, for comparison).
 */
public interface PosteriorSampler {

    /**
     * {@code samples} posterior samples of every slice of {@code measurements} {@code (B, range...)}: an array
     * {@code (samples, B, domain...)} attached to the measurements' manager, in the measurements' intensity units. The
     * same {@code seed} gives the same samples.
     */
    NDArray sample(NDArray measurements, ForwardOperator operator, int samples, long seed, ProgressMonitor progress);

    /** The method and its settings, for reports. */
    String description();
}
