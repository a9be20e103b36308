package org.learnedrecon.training;

import ai.djl.ndarray.NDArray;
import java.util.Random;

/**
 * Corrupts simulated measurements. Noise is drawn from the given Java {@link Random} (seeded by the training loop
 * from the run seed, epoch and batch), not from the engine's generator, so a resumed run draws the same noise.
 */
public interface NoiseModel {

    /** A noisy copy of {@code clean} (never modified), attached to its manager. */
    NDArray corrupt(NDArray clean, Random random);

    /** A short description for the model metadata, e.g. {@code "gaussian relative 0.01"}. */
    String description();
}
