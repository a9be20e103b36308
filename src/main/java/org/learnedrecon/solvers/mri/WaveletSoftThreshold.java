package org.learnedrecon.solvers.mri;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.learnedrecon.solvers.classical.Proximal;

/**
 * Proximal operator of {@code g(x) = lambda ||W x||_1} on complex images {@code (B, 2, H, W)} (real and imaginary
 * part on axis 1), {@code W} an {@link OrthogonalWavelet} applied to both parts and {@code |.|} the complex
 * magnitude of each coefficient, so the real and imaginary coefficients shrink jointly (BART's
 * {@code wavelet_thresh}). As {@code W} is orthogonal, {@code prox(v, s) = W^T S_(s lambda)(W v)} exactly, with
 * {@code S_t(c) = c max(|c| - t, 0) / |c|}.
 *
 * <p>Levels are added while the coarse band stays at least {@code minCoarseSize} (and the sizes divide), at most 8.
 * With {@code penaliseCoarseBand} false the coarse approximation is left out of the norm (kept as it is).
 */
public final class WaveletSoftThreshold implements Proximal {

    private static final int MAX_LEVELS = 8;

    private final double lambda;
    private final OrthogonalWavelet wavelet;
    private final int minCoarseSize;
    private final boolean penaliseCoarseBand;

    /**
     * @param lambda the L1 weight, finite and {@code >= 0}
     * @param minCoarseSize levels are added while the coarse band stays at least this large, {@code >= 1}
     * @param penaliseCoarseBand whether the approximation coefficients are thresholded too (BART does)
     */
    public WaveletSoftThreshold(double lambda, OrthogonalWavelet wavelet, int minCoarseSize,
            boolean penaliseCoarseBand) {
        if (!(lambda >= 0) || Double.isInfinite(lambda)) {
            throw new IllegalArgumentException("Wavelet soft threshold: lambda must be a finite number >= 0, got "
                + lambda);
        }
        if (wavelet == null) {
            throw new IllegalArgumentException("Wavelet soft threshold: a wavelet is required");
        }
        if (minCoarseSize < 1) {
            throw new IllegalArgumentException("Wavelet soft threshold: minCoarseSize must be >= 1, got "
                + minCoarseSize);
        }
        this.lambda = lambda;
        this.wavelet = wavelet;
        this.minCoarseSize = minCoarseSize;
        this.penaliseCoarseBand = penaliseCoarseBand;
    }

    public double lambda() {
        return lambda;
    }

    /** The number of decomposition levels used on {@code height x width} images. */
    public int levels(int height, int width) {
        return OrthogonalWavelet.levelsFor(height, width, minCoarseSize, MAX_LEVELS);
    }

    @Override
    public NDArray prox(NDArray x, double step) {
        Shape shape = x.getShape();
        if (shape.dimension() != 4 || shape.get(1) != 2) {
            throw new IllegalArgumentException("Wavelet soft threshold needs complex images (B, 2, H, W), got "
                + shape);
        }
        int height = (int) shape.get(2);
        int width = (int) shape.get(3);
        int levels = levels(height, width);
        double threshold = step * lambda;
        // float32 copy in Java: the transforms run in plain Java, and x itself must stay unmodified
        float[] data = x.toType(DataType.FLOAT32, false).toFloatArray();
        int plane = height * width;
        float[] re = new float[plane];
        float[] im = new float[plane];
        int coarseH = height >> levels;
        int coarseW = width >> levels;
        for (int base = 0; base < data.length; base += 2 * plane) {
            System.arraycopy(data, base, re, 0, plane);
            System.arraycopy(data, base + plane, im, 0, plane);
            wavelet.forward(re, height, width, levels);
            wavelet.forward(im, height, width, levels);
            for (int p = 0; p < plane; p++) {
                if (!penaliseCoarseBand && p / width < coarseH && p % width < coarseW) {
                    continue;
                }
                double mag = Math.hypot(re[p], im[p]);
                double scale = mag > threshold ? (mag - threshold) / mag : 0;
                re[p] = (float) (re[p] * scale);
                im[p] = (float) (im[p] * scale);
            }
            wavelet.inverse(re, height, width, levels);
            wavelet.inverse(im, height, width, levels);
            System.arraycopy(re, 0, data, base, plane);
            System.arraycopy(im, 0, data, base + plane, plane);
        }
        return x.getManager().create(data, shape);
    }
}
