package org.learnedrecon.metrics;

import ai.djl.ndarray.NDArray;

/**
 * Mean structural similarity exactly as scikit-image 0.19's {@code structural_similarity(im1, im2,
 * data_range=R, ...)} for 2-D grayscale images, computed in double precision.
 *
 * <p>Conventions copied from scikit-image: local means, variances and covariance come from a separable window
 * filter applied with scipy's {@code mode='reflect'} boundary (half-sample symmetric, {@code d c b a | a b c d});
 * variances are scaled by {@code NP/(NP-1)} with {@code NP = win_size^2} when the sample covariance is used (the
 * default); {@code C1 = (K1 R)^2}, {@code C2 = (K2 R)^2} with {@code K1 = 0.01}, {@code K2 = 0.03}; the SSIM map is
 * averaged after cropping {@code pad = (win_size - 1) / 2} pixels from every border.
 *
 * <ul>
 *   <li>{@link #uniform()}: the default, a 7x7 uniform window ({@code scipy.ndimage.uniform_filter(size=7)}).
 *   <li>{@link #gaussian()}: {@code gaussian_weights=True, sigma=1.5}: a Gaussian truncated at 3.5 sigma (11 taps,
 *       so {@code win_size = 11}, {@code pad = 5}) as in Wang et al. 2004. Wang et al. also use the population
 *       covariance: add {@link #withSampleCovariance(boolean) withSampleCovariance(false)} for that.
 * </ul>
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class Ssim {

    private static final double K1 = 0.01;
    private static final double K2 = 0.03;
    /** scikit-image's truncation of the Gaussian window, chosen there to give 11 taps at sigma 1.5. */
    private static final double GAUSSIAN_TRUNCATE = 3.5;

    private final double[] taps;
    private final boolean sampleCovariance;
    private final String description;

    private Ssim(double[] taps, boolean sampleCovariance, String description) {
        this.taps = taps;
        this.sampleCovariance = sampleCovariance;
        this.description = description;
    }

    /** scikit-image's default: 7x7 uniform window, sample covariance. */
    public static Ssim uniform() {
        return uniform(7);
    }

    /** A {@code winSize x winSize} uniform window ({@code win_size=winSize}); {@code winSize} odd, at least 3. */
    public static Ssim uniform(int winSize) {
        if (winSize < 3 || winSize % 2 == 0) {
            throw new IllegalArgumentException("SSIM window size must be odd and at least 3, got " + winSize);
        }
        double[] taps = new double[winSize];
        java.util.Arrays.fill(taps, 1.0 / winSize);
        return new Ssim(taps, true, "uniform " + winSize + "x" + winSize);
    }

    /** {@code gaussian_weights=True, sigma=1.5} (11-tap window), sample covariance as scikit-image's default. */
    public static Ssim gaussian() {
        return gaussian(1.5);
    }

    /** {@code gaussian_weights=True} with the given sigma; window radius {@code int(3.5 sigma + 0.5)}. */
    public static Ssim gaussian(double sigma) {
        if (!(sigma > 0) || Double.isInfinite(sigma)) {
            throw new IllegalArgumentException("SSIM Gaussian sigma must be positive, got " + sigma);
        }
        // scipy.ndimage._gaussian_kernel1d: radius int(truncate * sigma + 0.5), weights exp(-x^2 / (2 sigma^2))
        // normalised to sum 1.
        int radius = (int) (GAUSSIAN_TRUNCATE * sigma + 0.5);
        double[] taps = new double[2 * radius + 1];
        double sum = 0;
        for (int i = -radius; i <= radius; i++) {
            taps[i + radius] = Math.exp(-0.5 / (sigma * sigma) * i * i);
            sum += taps[i + radius];
        }
        for (int i = 0; i < taps.length; i++) {
            taps[i] /= sum;
        }
        return new Ssim(taps, true, "gaussian sigma=" + sigma);
    }

    /** A copy using the sample ({@code true}, scikit-image default) or population ({@code false}) covariance. */
    public Ssim withSampleCovariance(boolean sample) {
        return new Ssim(taps, sample, description);
    }

    /** The window side length ({@code win_size} in scikit-image). */
    public int windowSize() {
        return taps.length;
    }

    /** Mean SSIM of {@code test} against {@code truth}, both row-major {@code height x width}. */
    public double compute(float[] truth, float[] test, int height, int width, double dataRange) {
        ImagePairCheck.check(truth, test, height, width, dataRange);
        int win = taps.length;
        if (height < win || width < win) {
            throw new IllegalArgumentException("SSIM window (" + description + ", " + win + " pixels) exceeds the "
                + "image extent " + height + "x" + width + "; images must be at least " + win + "x" + win);
        }
        int n = height * width;
        double[] x = new double[n];
        double[] y = new double[n];
        double[] xx = new double[n];
        double[] yy = new double[n];
        double[] xy = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = truth[i];
            y[i] = test[i];
            xx[i] = x[i] * x[i];
            yy[i] = y[i] * y[i];
            xy[i] = x[i] * y[i];
        }
        double[] ux = filter(x, height, width);
        double[] uy = filter(y, height, width);
        double[] uxx = filter(xx, height, width);
        double[] uyy = filter(yy, height, width);
        double[] uxy = filter(xy, height, width);
        double np = (double) win * win;
        double covNorm = sampleCovariance ? np / (np - 1) : 1.0;
        double c1 = (K1 * dataRange) * (K1 * dataRange);
        double c2 = (K2 * dataRange) * (K2 * dataRange);
        int pad = (win - 1) / 2;
        double sum = 0;
        long count = 0;
        for (int r = pad; r < height - pad; r++) {
            for (int c = pad; c < width - pad; c++) {
                int i = r * width + c;
                double vx = covNorm * (uxx[i] - ux[i] * ux[i]);
                double vy = covNorm * (uyy[i] - uy[i] * uy[i]);
                double vxy = covNorm * (uxy[i] - ux[i] * uy[i]);
                double a1 = 2 * ux[i] * uy[i] + c1;
                double a2 = 2 * vxy + c2;
                double b1 = ux[i] * ux[i] + uy[i] * uy[i] + c1;
                double b2 = vx + vy + c2;
                sum += a1 * a2 / (b1 * b2);
                count++;
            }
        }
        return sum / count;
    }

    /**
     * Mean SSIM per sample of a batch: {@code truth} and {@code test} of shape {@code (B, H, W)} (or {@code (H, W)},
     * giving one value). Arrays are read, not modified.
     */
    public double[] compute(NDArray truth, NDArray test, double dataRange) {
        return ImagePairCheck.perSample(truth, test, (x, y, h, w) -> compute(x, y, h, w, dataRange));
    }

    /** Separable correlation with {@link #taps} along rows then columns, scipy {@code mode='reflect'} borders. */
    private double[] filter(double[] image, int height, int width) {
        int radius = taps.length / 2;
        double[] rows = new double[image.length];
        for (int r = 0; r < height; r++) {
            for (int c = 0; c < width; c++) {
                double s = 0;
                for (int k = -radius; k <= radius; k++) {
                    s += taps[k + radius] * image[r * width + reflect(c + k, width)];
                }
                rows[r * width + c] = s;
            }
        }
        double[] out = new double[image.length];
        for (int r = 0; r < height; r++) {
            for (int c = 0; c < width; c++) {
                double s = 0;
                for (int k = -radius; k <= radius; k++) {
                    s += taps[k + radius] * rows[reflect(r + k, height) * width + c];
                }
                out[r * width + c] = s;
            }
        }
        return out;
    }

    /** scipy's 'reflect' extension: the edge sample is repeated ({@code -1 -> 0}, {@code n -> n-1}), period 2n. */
    static int reflect(int index, int n) {
        int period = 2 * n;
        int i = Math.floorMod(index, period);
        return i < n ? i : period - 1 - i;
    }

    @Override
    public String toString() {
        return "SSIM (" + description + (sampleCovariance ? ", sample covariance)" : ", population covariance)");
    }
}
