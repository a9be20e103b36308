package org.learnedrecon.learned;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * How operator tensors are seen by convolutional networks: a batch {@code (B, s...)} of an operator space with
 * per-sample shape {@code s} becomes an image batch {@code (B, C, H, W)}. The last two axes are the image axes; all
 * leading per-sample axes are folded into channels. So a CT image {@code (N, N)} has {@code C = 1}, a sinogram
 * {@code (angles, detectors)} has {@code C = 1}, an MRI image {@code (2, H, W)} (complex as real/imaginary
 * channels) has {@code C = 2} and multi-coil k-space {@code (coils, 2, H, W)} has {@code C = 2 coils}.
 * Both directions are reshapes (views), so gradients pass through unchanged.
 */
public final class ChannelLayout {

    private ChannelLayout() {
    }

    /** Number of image channels of a per-sample shape of rank 2 or more. */
    public static int channels(Shape perSample) {
        requireImageLike(perSample);
        long c = 1;
        for (int i = 0; i < perSample.dimension() - 2; i++) {
            c *= perSample.get(i);
        }
        return Math.toIntExact(c);
    }

    /** The image shape {@code (C, H, W)} of a per-sample shape. */
    public static Shape imageShape(Shape perSample) {
        int d = perSample.dimension();
        return new Shape(channels(perSample), perSample.get(d - 2), perSample.get(d - 1));
    }

    /** {@code (B, s...)} to {@code (B, C, H, W)}. */
    public static NDArray toImages(NDArray batch, Shape perSample) {
        return batch.reshape(new Shape(batch.getShape().get(0)).addAll(imageShape(perSample)));
    }

    /** {@code (B, C, H, W)} back to {@code (B, s...)}. */
    public static NDArray fromImages(NDArray images, Shape perSample) {
        return images.reshape(new Shape(images.getShape().get(0)).addAll(perSample));
    }

    private static void requireImageLike(Shape perSample) {
        if (perSample.dimension() < 2) {
            throw new IllegalArgumentException("A learned solver needs operator spaces with at least two image axes,"
                + " got per-sample shape " + perSample);
        }
    }
}
