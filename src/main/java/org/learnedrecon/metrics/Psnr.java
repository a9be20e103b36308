package org.learnedrecon.metrics;

import ai.djl.ndarray.NDArray;

/**
 * Peak signal-to-noise ratio exactly as scikit-image's {@code peak_signal_noise_ratio(image_true, image_test,
 * data_range=R)}: {@code 10 log10(R^2 / MSE)} in decibels, the mean squared error taken over all pixels in double
 * precision. Identical images give {@code +Infinity}, as in scikit-image. {@code R} is always given explicitly
 * (scikit-image's dtype-based default is deliberately not copied: for float images it assumes a range of 1 or 2,
 * which is rarely what a reconstruction has).
 */
public final class Psnr {

    private Psnr() {
    }

    /** PSNR in dB of {@code test} against {@code truth}, both row-major {@code height x width}. */
    public static double compute(float[] truth, float[] test, int height, int width, double dataRange) {
        ImagePairCheck.check(truth, test, height, width, dataRange);
        double sum = 0;
        for (int i = 0; i < truth.length; i++) {
            double d = (double) truth[i] - test[i];
            sum += d * d;
        }
        double mse = sum / truth.length;
        return 10 * Math.log10(dataRange * dataRange / mse);
    }

    /**
     * PSNR per sample of a batch: {@code truth} and {@code test} of shape {@code (B, H, W)} (or {@code (H, W)},
     * giving one value). Arrays are read, not modified.
     */
    public static double[] compute(NDArray truth, NDArray test, double dataRange) {
        return ImagePairCheck.perSample(truth, test, (x, y, h, w) -> compute(x, y, h, w, dataRange));
    }
}
