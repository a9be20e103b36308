package org.learnedrecon.physics.mri;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import java.util.Random;

/**
 * Additive complex white Gaussian noise on the sampled k-space entries only (unsampled entries stay exactly 0).
 *
 * <p>Relative level definition: with {@code s} the root-mean-square complex magnitude of the sampled entries of the
 * whole batch ({@code s^2 = mean |y|^2} over sampled entries of all coils and samples), the noise {@code n} has
 * {@code E|n|^2 = (level s)^2}: real and imaginary parts are independent with standard deviation
 * {@code level s / sqrt(2)}. So {@code level = 0.01} is a noise RMS of 1 % of the signal RMS (40 dB SNR). Draws
 * come from {@code java.util.Random(seed)} in row-major order, so results do not depend on the engine.
 */
public final class ComplexGaussianNoise {

    private final double relativeLevel;
    private final long seed;

    public ComplexGaussianNoise(double relativeLevel, long seed) {
        if (!(relativeLevel >= 0) || Double.isInfinite(relativeLevel)) {
            throw new IllegalArgumentException("Relative noise level must be finite and >= 0, got " + relativeLevel);
        }
        this.relativeLevel = relativeLevel;
        this.seed = seed;
    }

    /**
     * A noisy copy of {@code kspace} {@code (B, [C,] 2, H, W)} sampled with {@code mask}; the input is not modified.
     * The result is attached to the manager of {@code kspace}.
     */
    public NDArray apply(NDArray kspace, SamplingMask mask) {
        long[] shape = kspace.getShape().getShape();
        int nd = shape.length;
        if (nd < 4 || shape[nd - 3] != 2 || shape[nd - 2] != mask.height() || shape[nd - 1] != mask.width()) {
            throw new IllegalArgumentException("Expected k-space (B, [C,] 2, " + mask.height() + ", " + mask.width()
                + ") to match the mask, got " + kspace.getShape());
        }
        float[] y = kspace.toType(DataType.FLOAT32, false).toFloatArray();
        float[] m = mask.values();
        int plane = mask.height() * mask.width();
        double power = 0;
        long count = 0;
        for (int base = 0; base < y.length; base += 2 * plane) {
            for (int p = 0; p < plane; p++) {
                if (m[p] != 0f) {
                    double re = y[base + p];
                    double im = y[base + plane + p];
                    power += re * re + im * im;
                    count++;
                }
            }
        }
        double sigma = count == 0 ? 0 : relativeLevel * Math.sqrt(power / count) / Math.sqrt(2);
        Random random = new Random(seed);
        float[] noisy = y.clone();
        for (int base = 0; base < y.length; base += 2 * plane) {
            for (int p = 0; p < plane; p++) {
                if (m[p] != 0f) {
                    noisy[base + p] += (float) (sigma * random.nextGaussian());
                    noisy[base + plane + p] += (float) (sigma * random.nextGaussian());
                }
            }
        }
        return kspace.getManager().create(noisy, kspace.getShape());
    }
}
