package org.learnedrecon.physics.mri;

/** A recipe for {@link SamplingMask}s: the same size and seed always give the same mask. */
public interface SamplingPattern {

    /** A mask of {@code height x width} drawn with {@code seed}. */
    SamplingMask generate(int height, int width, long seed);

    /** The acceleration asked for (the achieved one is {@link SamplingMask#achievedAcceleration()}). */
    double targetAcceleration();
}
