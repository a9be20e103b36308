package org.learnedrecon.metrics;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/** Input validation shared by the metrics: equal shapes, finite values, a positive data range. */
final class ImagePairCheck {

    private ImagePairCheck() {
    }

    static void check(float[] truth, float[] test, int height, int width, double dataRange) {
        if (truth == null || test == null) {
            throw new IllegalArgumentException("Both images are required (got null)");
        }
        if (height <= 0 || width <= 0) {
            throw new IllegalArgumentException("Image size must be positive, got " + height + "x" + width);
        }
        if (truth.length != (long) height * width || test.length != (long) height * width) {
            throw new IllegalArgumentException("Images must both have " + height + "x" + width + " = "
                + (long) height * width + " pixels, got " + truth.length + " (reference) and " + test.length
                + " (test)");
        }
        if (!(dataRange > 0) || Double.isInfinite(dataRange)) {
            throw new IllegalArgumentException("data_range must be a positive finite number, got " + dataRange);
        }
        checkFinite(truth, width, "reference");
        checkFinite(test, width, "test");
    }

    private static void checkFinite(float[] image, int width, String which) {
        for (int i = 0; i < image.length; i++) {
            if (!Float.isFinite(image[i])) {
                throw new IllegalArgumentException("The " + which + " image has a non-finite value (" + image[i]
                    + ") at row " + i / width + ", column " + i % width);
            }
        }
    }

    /** Checks a batch pair of shape (B, H, W) or (H, W) and returns {B, H, W}. */
    static int[] batchShape(NDArray truth, NDArray test) {
        Shape a = truth.getShape();
        Shape b = test.getShape();
        if (!a.equals(b)) {
            throw new IllegalArgumentException("Images must have the same shape, got " + a + " and " + b);
        }
        if (a.dimension() == 2) {
            return new int[] {1, (int) a.get(0), (int) a.get(1)};
        }
        if (a.dimension() == 3) {
            return new int[] {(int) a.get(0), (int) a.get(1), (int) a.get(2)};
        }
        throw new IllegalArgumentException("Expected images of shape (H, W) or (B, H, W), got " + a);
    }

    /** All values of {@code array} as float32, row-major, without leaving a converted copy behind. */
    static float[] floats(NDArray array) {
        if (array.getDataType() == ai.djl.ndarray.types.DataType.FLOAT32) {
            return array.toFloatArray();
        }
        try (NDArray converted = array.toType(ai.djl.ndarray.types.DataType.FLOAT32, true)) {
            return converted.toFloatArray();
        }
    }

    /** A metric on one pair of row-major images. */
    @FunctionalInterface
    interface PairMetric {
        double compute(float[] truth, float[] test, int height, int width);
    }

    /** Applies {@code metric} to every sample of a (B, H, W) or (H, W) pair; reads, never modifies, the arrays. */
    static double[] perSample(NDArray truth, NDArray test, PairMetric metric) {
        int[] bhw = batchShape(truth, test);
        float[] a = floats(truth);
        float[] b = floats(test);
        int n = bhw[1] * bhw[2];
        double[] out = new double[bhw[0]];
        for (int s = 0; s < bhw[0]; s++) {
            out[s] = metric.compute(java.util.Arrays.copyOfRange(a, s * n, (s + 1) * n),
                java.util.Arrays.copyOfRange(b, s * n, (s + 1) * n), bhw[1], bhw[2]);
        }
        return out;
    }
}
