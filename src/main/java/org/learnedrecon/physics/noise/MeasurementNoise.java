package org.learnedrecon.physics.noise;

import ai.djl.ndarray.NDArray;
import java.util.Random;

/**
 * Corrupts simulated measurements. Noise is drawn from the given Java {@link Random} (seeded by the training loop
 * from the run seed, epoch and batch), not from the engine's generator, so a resumed run draws the same noise.
 *
 * <p>This was {@code org.learnedrecon.training.NoiseModel}; it is named {@code MeasurementNoise} here because
 * {@link NoiseModel} in this package already means something else: the seeded simulation noise of the Simulate
 * commands ({@code apply(clean)}, seed fixed at construction). Implementations of this interface wrap simulation
 * noise ({@link GaussianRelativeNoise}, {@link KspaceRelativeNoise}) with a relative level and a per-batch seed.
 */
public interface MeasurementNoise {

    /** A noisy copy of {@code clean} (never modified), attached to its manager. */
    NDArray corrupt(NDArray clean, Random random);

    /** A short description for the model metadata, e.g. {@code "gaussian relative 0.01"}. */
    String description();
}
