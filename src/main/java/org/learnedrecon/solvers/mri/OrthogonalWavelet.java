package org.learnedrecon.solvers.mri;

/**
 * Orthogonal 2D discrete wavelet transforms with periodic boundaries on row-major {@code H x W} float planes, in
 * plain Java (cheap next to the FFTs of an MRI iteration). Being orthogonal with periodic extension, the inverse is
 * the transpose, so soft thresholding of the coefficients is the exact proximal map of {@code lambda ||W x||_1}.
 *
 * <p>Layout after {@code levels} levels (Mallat): the coarse approximation occupies the top-left
 * {@code H/2^levels x W/2^levels} block, details fill the rest. Each level filters rows then columns.
 * {@code H} and {@code W} must be divisible by {@code 2^levels}.
 */
public enum OrthogonalWavelet {

    /** Haar, 2 taps. */
    HAAR(new double[] {1 / Math.sqrt(2), 1 / Math.sqrt(2)}),

    /** Daubechies with 2 vanishing moments, 4 taps (PyWavelets' {@code db2}, BART's {@code dau2}). */
    DAUBECHIES_4(new double[] {
        (1 + Math.sqrt(3)) / (4 * Math.sqrt(2)), (3 + Math.sqrt(3)) / (4 * Math.sqrt(2)),
        (3 - Math.sqrt(3)) / (4 * Math.sqrt(2)), (1 - Math.sqrt(3)) / (4 * Math.sqrt(2))});

    private final double[] low;
    private final double[] high;

    OrthogonalWavelet(double[] low) {
        this.low = low;
        this.high = new double[low.length];
        for (int k = 0; k < low.length; k++) {
            // quadrature mirror filter g[k] = (-1)^k h[L-1-k]
            high[k] = ((k % 2 == 0) ? 1 : -1) * low[low.length - 1 - k];
        }
    }

    /**
     * The largest number of levels (at most {@code maxLevels}) such that the coarse band is still at least
     * {@code minCoarseSize} in both directions and both sizes divide by {@code 2^levels}.
     */
    public static int levelsFor(int height, int width, int minCoarseSize, int maxLevels) {
        int levels = 0;
        int h = height;
        int w = width;
        while (levels < maxLevels && h % 2 == 0 && w % 2 == 0 && h / 2 >= minCoarseSize && w / 2 >= minCoarseSize) {
            h /= 2;
            w /= 2;
            levels++;
        }
        return levels;
    }

    /** Forward transform of {@code plane} ({@code H x W}, row-major) in place. */
    public void forward(float[] plane, int height, int width, int levels) {
        check(plane, height, width, levels);
        int h = height;
        int w = width;
        double[] line = new double[Math.max(height, width)];
        double[] out = new double[Math.max(height, width)];
        for (int l = 0; l < levels; l++) {
            filterLines(plane, width, h, w, true, this::analyse, line, out);
            filterLines(plane, width, h, w, false, this::analyse, line, out);
            h /= 2;
            w /= 2;
        }
    }

    /** Inverse (= transpose) of {@link #forward} in place. */
    public void inverse(float[] plane, int height, int width, int levels) {
        check(plane, height, width, levels);
        double[] line = new double[Math.max(height, width)];
        double[] out = new double[Math.max(height, width)];
        for (int l = levels - 1; l >= 0; l--) {
            int h = height >> l;
            int w = width >> l;
            filterLines(plane, width, h, w, false, this::synthesise, line, out);
            filterLines(plane, width, h, w, true, this::synthesise, line, out);
        }
    }

    /** A one-dimensional filter of {@code n} values from {@code x} into {@code out}. */
    private interface LineFilter {
        void apply(double[] x, double[] out, int n);
    }

    /**
     * Applies {@code filter} in place to every row ({@code alongRows}) or every column of the top-left
     * {@code h x w} block of the row-major {@code plane} of row length {@code width}, through the work arrays.
     */
    private static void filterLines(float[] plane, int width, int h, int w, boolean alongRows, LineFilter filter,
            double[] line, double[] out) {
        int lines = alongRows ? h : w;
        int n = alongRows ? w : h;
        int lineStride = alongRows ? width : 1;
        int step = alongRows ? 1 : width;
        for (int j = 0; j < lines; j++) {
            int start = j * lineStride;
            for (int i = 0; i < n; i++) {
                line[i] = plane[start + i * step];
            }
            filter.apply(line, out, n);
            for (int i = 0; i < n; i++) {
                plane[start + i * step] = (float) out[i];
            }
        }
    }

    /** a[i] = sum_k h[k] x[(2i + k) mod n] into out[0, n/2), details likewise into out[n/2, n). */
    private void analyse(double[] x, double[] out, int n) {
        int half = n / 2;
        for (int i = 0; i < half; i++) {
            double a = 0;
            double d = 0;
            for (int k = 0; k < low.length; k++) {
                double v = x[(2 * i + k) % n];
                a += low[k] * v;
                d += high[k] * v;
            }
            out[i] = a;
            out[half + i] = d;
        }
    }

    private void synthesise(double[] coefficients, double[] out, int n) {
        int half = n / 2;
        java.util.Arrays.fill(out, 0, n, 0.0);
        for (int i = 0; i < half; i++) {
            double a = coefficients[i];
            double d = coefficients[half + i];
            for (int k = 0; k < low.length; k++) {
                out[(2 * i + k) % n] += low[k] * a + high[k] * d;
            }
        }
    }

    private static void check(float[] plane, int height, int width, int levels) {
        if (plane.length != height * width) {
            throw new IllegalArgumentException("Plane has " + plane.length + " values, not " + height + "x" + width);
        }
        if (levels < 0 || height % (1 << levels) != 0 || width % (1 << levels) != 0) {
            throw new IllegalArgumentException(height + "x" + width + " does not divide into " + levels
                + " wavelet levels: both sizes must be multiples of 2^levels");
        }
    }
}
