package org.learnedrecon.physics.noise;

import ai.djl.ndarray.NDArray;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Additive white Gaussian noise at a level relative to the signal: for each slice {@code b} of the batch,
 * {@code sigma_b = level * RMS(clean_b)} with {@code RMS = sqrt(mean(clean_b^2))} over the whole slice (all angles
 * and detectors of a sinogram), so {@code level = 0.05} means "5% noise" whatever the image size or units. The
 * random stream is a {@link SplittableRandom} seeded once per call with {@code seed}, slices drawn in order.
 */
public final class GaussianNoise implements NoiseModel {

    private final double level;
    private final long seed;

    /**
     * @param level noise standard deviation as a fraction of the slice RMS, {@code >= 0}
     * @param seed seed of the random stream
     */
    public GaussianNoise(double level, long seed) {
        if (!(level >= 0) || Double.isInfinite(level)) {
            throw new IllegalArgumentException("Relative Gaussian noise level must be finite and >= 0, got " + level);
        }
        this.level = level;
        this.seed = seed;
    }

    public double level() {
        return level;
    }

    @Override
    public NDArray apply(NDArray clean) {
        float[] v = NoiseModel.finiteValues(clean);
        int batch = (int) clean.getShape().get(0);
        int size = v.length / batch;
        float[] out = new float[v.length];
        SplittableRandom random = new SplittableRandom(seed);
        for (int b = 0; b < batch; b++) {
            double squares = 0;
            for (int i = b * size; i < (b + 1) * size; i++) {
                squares += (double) v[i] * v[i];
            }
            double sigma = level * Math.sqrt(squares / size);
            for (int i = b * size; i < (b + 1) * size; i++) {
                out[i] = (float) (v[i] + sigma * NormalSampler.next(random));
            }
        }
        return clean.getManager().create(out, clean.getShape());
    }

    @Override
    public String describe() {
        return String.format(Locale.ROOT, "Gaussian %.4g%% of RMS, seed %d", 100 * level, seed);
    }
}
