package org.learnedrecon.physics.noise;

import ai.djl.ndarray.NDArray;
import java.util.Random;

/**
 * Training's view of {@link GaussianNoise}, the noise of Simulate CT Acquisition: additive white Gaussian noise whose
 * standard deviation is {@code level} times the root-mean-square of each sample's clean measurement (so
 * {@code level = 0.01} is about 40 dB SNR whatever the intensity units). Each call seeds the physics model from the
 * training loop's generator, so a resumed run draws the same noise.
 */
public final class GaussianRelativeNoise implements MeasurementNoise {

    private final double level;

    public GaussianRelativeNoise(double level) {
        if (!(level >= 0)) {
            throw new IllegalArgumentException("Noise level must be >= 0, got " + level);
        }
        this.level = level;
    }

    /** The standard deviation as a share of each sample's clean RMS. */
    public double level() {
        return level;
    }

    @Override
    public NDArray corrupt(NDArray clean, Random random) {
        return new GaussianNoise(level, random.nextLong()).apply(clean);
    }

    @Override
    public String description() {
        return "gaussian relative " + level;
    }
}
