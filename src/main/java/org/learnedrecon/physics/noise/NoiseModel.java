package org.learnedrecon.physics.noise;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/**
 * Simulated measurement noise for a batch of noiseless measurements {@code (B, ...)}: each element of the first
 * axis is one slice. Implementations are seeded (the same seed and input give the same output), never modify the
 * input and return a new float32 array attached to the input's manager.
 */
public interface NoiseModel {

    /** A noisy copy of {@code clean}. */
    NDArray apply(NDArray clean);

    /** Short description for logs and image metadata, e.g. {@code "Gaussian 5% of RMS, seed 1"}. */
    String describe();

    /** The values of {@code clean} as floats, after checking they are finite (shared by the models). */
    static float[] finiteValues(NDArray clean) {
        if (clean.getShape().dimension() < 2) {
            throw new IllegalArgumentException("Noise models need a batch (B, ...) of measurements, got shape "
                + clean.getShape());
        }
        float[] v;
        if (clean.getDataType() == DataType.FLOAT32) {
            v = clean.toFloatArray();
        } else {
            // convert in a scope so the temporary does not stay attached to the caller's manager
            try (ai.djl.ndarray.NDManager scope = clean.getManager().newSubManager()) {
                NDArray view = clean.reshape(-1);
                view.attach(scope);
                v = view.toType(DataType.FLOAT32, false).toFloatArray();
            }
        }
        for (int i = 0; i < v.length; i++) {
            if (!Float.isFinite(v[i])) {
                throw new IllegalArgumentException("The noiseless data contain " + v[i] + " at flat index " + i);
            }
        }
        return v;
    }
}
