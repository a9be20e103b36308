package org.learnedrecon.reconstruction;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.learnedrecon.learned.PosteriorSampler;
import org.learnedrecon.physics.ForwardOperator;
import org.learnedrecon.solvers.ProgressMonitor;

/**
 * What posterior samples say per pixel: the posterior mean (the reconstruction) and the standard deviation across
 * samples (the uncertainty map, with the unbiased {@code 1 / (S - 1)}), optionally with the samples themselves.
 * Arrays are {@code (B, domain...)} (samples: {@code (S, B, domain...)}) in the measurements' manager.
 */
public record PosteriorSummary(NDArray mean, NDArray std, NDArray samples) {

    /** The fewest samples a standard deviation can be estimated from. */
    public static final int MIN_SAMPLES = 2;

    /**
     * Draws {@code samples} posterior samples of every slice and summarises them.
     *
     * @param keepSamples whether {@link #samples()} is kept (else {@code null} and the samples are freed)
     * @throws IllegalArgumentException for fewer than {@link #MIN_SAMPLES} samples
     */
    public static PosteriorSummary sample(PosteriorSampler sampler, NDArray measurements,
        ForwardOperator operator, int samples, long seed, boolean keepSamples, ProgressMonitor progress) {
        requireSamples(samples);
        PosteriorSummary summary = of(sampler.sample(measurements, operator, samples, seed, progress));
        return keepSamples ? summary : summary.withoutSamples();
    }

    /** The mean and std only; the samples are freed. */
    public PosteriorSummary withoutSamples() {
        if (samples != null) {
            samples.close();
        }
        return new PosteriorSummary(mean, std, null);
    }

    /** Mean and standard deviation over the first axis of {@code samples} {@code (S, B, ...)}, {@code S >= 2}. */
    public static PosteriorSummary of(NDArray samples) {
        long count = samples.getShape().get(0);
        requireSamples(count);
        NDManager owner = samples.getManager();
        try (NDManager scope = owner.newSubManager()) {
            NDArray mean = samples.mean(new int[] {0});
            NDArray deviation = samples.sub(mean);
            deviation.attach(scope);
            NDArray std = deviation.square().sum(new int[] {0}).div(count - 1).sqrt();
            mean.attach(owner);
            std.attach(owner);
            return new PosteriorSummary(mean, std, samples);
        }
    }

    static void requireSamples(long samples) {
        if (samples < MIN_SAMPLES) {
            throw new IllegalArgumentException("samples=" + samples + ": a posterior standard deviation needs at least "
                + MIN_SAMPLES + " samples");
        }
        if (samples > MAX_SAMPLES) {
            throw new IllegalArgumentException("samples=" + samples + ": at most " + MAX_SAMPLES + " (each sample is a"
                + " full reconstruction; 8-32 give a usable mean and std)");
        }
    }

    /** The most samples a command draws. */
    public static final int MAX_SAMPLES = 256;
}
