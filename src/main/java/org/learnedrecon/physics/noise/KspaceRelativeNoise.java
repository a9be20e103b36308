package org.learnedrecon.physics.noise;

import ai.djl.ndarray.NDArray;
import java.util.Random;
import java.util.function.Supplier;
import org.learnedrecon.physics.mri.ComplexGaussianNoise;
import org.learnedrecon.physics.mri.SamplingMask;

/**
 * Training's view of {@link ComplexGaussianNoise}, the noise of Simulate MRI Acquisition: complex white Gaussian
 * noise on the sampled k-space entries only, of RMS {@code level} times the RMS magnitude of the sampled entries of
 * the batch. The mask is the operator's current one (a new draw per batch for {@code maskSeed=perBatch}); each call
 * seeds the physics model from the training loop's generator, so a resumed run draws the same noise.
 */
public final class KspaceRelativeNoise implements MeasurementNoise {

    private final double level;
    private final Supplier<SamplingMask> mask;

    /**
     * @param level relative noise RMS, {@code >= 0}
     * @param mask the sampling mask of the batch being corrupted
     */
    public KspaceRelativeNoise(double level, Supplier<SamplingMask> mask) {
        if (!(level >= 0)) {
            throw new IllegalArgumentException("Noise level must be >= 0, got " + level);
        }
        this.level = level;
        this.mask = mask;
    }

    @Override
    public NDArray corrupt(NDArray clean, Random random) {
        return new ComplexGaussianNoise(level, random.nextLong()).apply(clean, mask.get());
    }

    @Override
    public String description() {
        return "complex gaussian relative " + level + " on sampled k-space";
    }
}
