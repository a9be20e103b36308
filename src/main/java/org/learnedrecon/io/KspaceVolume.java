package org.learnedrecon.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * Complex k-space slices in the project's channel-first layout: {@code data} holds
 * {@code (slices, coils, 2, H, W)} row-major float32 (real plane then imaginary plane), or
 * {@code (slices, 2, H, W)} for single-coil data ({@code coils == 0}).
 */
public record KspaceVolume(int slices, int coils, int height, int width, float[] data) {

    public KspaceVolume {
        long expected = (long) slices * Math.max(coils, 1) * 2 * height * width;
        if (data.length != expected) {
            throw new IllegalArgumentException("k-space of " + slices + " slices, " + coils + " coils, " + height
                + "x" + width + " needs " + expected + " floats, got " + data.length);
        }
    }

    /** The array shape {@code (S, C, 2, H, W)} or {@code (S, 2, H, W)}. */
    public Shape shape() {
        return coils == 0 ? new Shape(slices, 2, height, width) : new Shape(slices, coils, 2, height, width);
    }

    /** The volume as an NDArray attached to {@code manager}; the slice axis serves as the batch axis. */
    public NDArray toNDArray(NDManager manager) {
        return manager.create(data, shape());
    }
}
