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

    /** The measurement noise the sampler assumes, relative to the measurements' RMS ({@link #noiseVariances}). */
    double noiseLevel();

    /**
     * The measurement noise variance {@code sigma_n^2} of each slice of {@code y} {@code (B, range...)}:
     * {@code (noiseLevel x RMS of the non-zero entries)^2}, the non-zero entries being the measured ones (unsampled
     * k-space is stored as zeros); the convention of the simulation commands.
     */
    static double[] noiseVariances(NDArray y, double noiseLevel) {
        long slices = y.getShape().get(0);
        float[] values = y.toFloatArray();
        int per = Math.toIntExact(values.length / slices);
        double[] variance = new double[Math.toIntExact(slices)];
        for (int b = 0; b < slices; b++) {
            double sum = 0;
            long count = 0;
            for (int i = b * per; i < (b + 1) * per; i++) {
                if (values[i] != 0) {
                    sum += (double) values[i] * values[i];
                    count++;
                }
            }
            double rms = count == 0 ? 0 : Math.sqrt(sum / count);
            variance[b] = Math.max(1e-30, Math.pow(noiseLevel * rms, 2));
        }
        return variance;
    }
}
