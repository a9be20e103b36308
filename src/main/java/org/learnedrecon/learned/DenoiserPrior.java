package org.learnedrecon.learned;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import org.learnedrecon.physics.ForwardOperator;
import org.learnedrecon.solvers.ProgressMonitor;
import org.learnedrecon.solvers.Solver;
import org.learnedrecon.solvers.classical.ScaledAdjointReconstruction;

/**
 * What the posterior samplers take from a trained model: its denoiser, told the noise level; the intensity scale its
 * training images were divided by (measurements are divided by it before sampling and samples multiplied after); and
 * the initial reconstruction the chains start from.
 */
record DenoiserPrior(ImageDenoiser denoiser, double intensityScale, Solver initial) {

    /**
     * @param method the sampler, for the error message
     * @param initial start of the chains, or {@code null} for {@code A* y / ||A||^2}
     * @throws IllegalArgumentException for a denoiser that is not told the noise level or a non-positive scale
     */
    static DenoiserPrior of(Block denoiser, double intensityScale, Solver initial, String method) {
        ImageDenoiser wrapped = ImageDenoiser.toldTheNoiseLevel(denoiser, method);
        if (!(intensityScale > 0)) {
            throw new IllegalArgumentException("intensity scale must be positive, got " + intensityScale);
        }
        return new DenoiserPrior(wrapped, intensityScale,
            initial == null ? new ScaledAdjointReconstruction() : initial);
    }

    /**
     * Where the chains start: the initial reconstruction of the measurements as given (so a nonlinear warm start, such
     * as plug-and-play, sees the data in the units it was built for), in denoiser units; attached to {@code scope}.
     */
    NDArray start(NDArray measurements, ForwardOperator operator, ProgressMonitor progress, NDManager scope) {
        NDArray reconstruction = initial.reconstruct(measurements, operator, progress.cancellationOnly());
        NDArray start = reconstruction.div(intensityScale);
        start.attach(scope);
        reconstruction.close();
        return start;
    }
}
