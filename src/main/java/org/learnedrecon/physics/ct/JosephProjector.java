package org.learnedrecon.physics.ct;

import java.util.stream.IntStream;

/**
 * Joseph's line-integral kernel (P. M. Joseph, IEEE TMI 1982) on one image slice, in plain Java.
 *
 * <p>Why Joseph: the line integral of the image interpolated linearly along the minor axis is close to what
 * scikit-image's rotate-bilinearly-and-sum {@code radon} computes; every ray touches at most two pixels per step,
 * so the operator is sparse (about 1.3 N non-zeros per ray for the default parallel detector), exactly transposable (the adjoint below scatters the same
 * weights the forward gathers), and the same weights are exported to a sparse matrix for the differentiable
 * backend. A ray that is closer to the x axis steps one image column at a time and interpolates linearly between
 * the two nearest rows (and vice versa); the step length {@code 1 / |v_major|} makes the sum a line integral in
 * pixel units. Outside the image the interpolant is zero.
 *
 * <p>Threading: forward is parallel over angles (each ray writes one sinogram value); the adjoint gives each
 * worker private (zero-padded, plain and transposed) image buffers for its block of angles and sums the buffers
 * afterwards, so there is no write contention and the result is deterministic for a given thread count.
 */
final class JosephProjector {

    /** Receives the non-zero weights of one ray, for counting and for building the sparse matrix. */
    interface WeightSink {
        void accept(int pixel, float weight);
    }

    private final CtGeometry geometry;
    private final int n;
    private final int angles;
    private final int detectors;
    private final int threads;

    JosephProjector(CtGeometry geometry) {
        this.geometry = geometry;
        this.n = geometry.imageSize();
        this.angles = geometry.angleCount();
        this.detectors = geometry.detectorCount();
        this.threads = Math.max(1, Math.min(angles, Runtime.getRuntime().availableProcessors()));
    }

    /**
     * Ray set-up shared by all loops: {@code out = {major, kStart, kEnd, pos0, dpos, weight}}. {@code major} is 0
     * when the ray steps through columns (sample row position {@code pos0 + k * dpos} at column {@code k}) and 1
     * when it steps through rows; {@code pos0, dpos} are stored plus 1 (padded indexing) in 32.32 fixed point;
     * {@code [kStart, kEnd]} are exactly the steps whose
     * sample lies in {@code (-1, N)}, i.e. has at least one neighbouring pixel inside the image (empty when
     * kStart > kEnd).
     */
    private void setUp(int angle, int detector, double[] ray, double[] out) {
        geometry.ray(angle, detector, ray);
        double c = n / 2;
        double px = ray[0];
        double py = ray[1];
        double vx = ray[2];
        double vy = ray[3];
        double pos0;
        double dpos;
        double weight;
        if (Math.abs(vx) >= Math.abs(vy)) {
            out[0] = 0;
            dpos = vy / vx;
            pos0 = py + (-c - px) / vx * vy + c;
            weight = 1 / Math.abs(vx);
        } else {
            out[0] = 1;
            dpos = vx / vy;
            pos0 = px + (-c - py) / vy * vx + c;
            weight = 1 / Math.abs(vy);
        }
        double kStart = 0;
        double kEnd = n - 1;
        if (dpos != 0) {
            double k1 = (-1 - pos0) / dpos;
            double k2 = (n - pos0) / dpos;
            kStart = Math.max(0, Math.floor(Math.min(k1, k2)) - 1);
            kEnd = Math.min(n - 1, Math.ceil(Math.max(k1, k2)) + 1);
        }
        // From here on positions are shifted by +1 to index the zero-padded images (see padded()) and held in
        // 32.32 fixed point (integer part = padded row, low word = interpolation fraction; the rounding error stays
        // below N * 2^-33 px). The exact ends use the loops' own arithmetic (monotonic in k), so the loops need no
        // bounds tests. Values below 2^53 are stored exactly in the double array.
        long fixedPos0 = Math.round((pos0 + 1) * ONE);
        long fixedStep = Math.round(dpos * ONE);
        int first = (int) kStart;
        int last = (int) kEnd;
        while (first <= last && !inside(fixedPos0 + first * fixedStep)) {
            first++;
        }
        while (last >= first && !inside(fixedPos0 + last * fixedStep)) {
            last--;
        }
        out[1] = first;
        out[2] = last;
        out[3] = fixedPos0;
        out[4] = fixedStep;
        out[5] = weight;
    }

    private static final double ONE = 4294967296.0;
    private static final long LOW = 0xFFFFFFFFL;
    private static final double FRACTION = 1 / ONE;

    /** A shifted fixed-point position in {@code (0, N + 1)}: the sample has an image pixel on at least one side. */
    private boolean inside(long pos) {
        return pos > 0 && pos < ((long) n + 1) << 32;
    }

    /**
     * The image with a zero row above and below ({@code (N + 2) x N}), and its transpose padded the same way: a
     * sample at minor position {@code pos} in {@code (-1, N)} then reads padded rows {@code floor(pos) + 1} and
     * {@code floor(pos) + 2}, always in range, and rays stepping through rows read the transpose contiguously.
     */
    private float[][] padded(float[] image) {
        float[] rows = new float[(n + 2) * n];
        float[] columns = new float[(n + 2) * n];
        System.arraycopy(image, 0, rows, n, n * n);
        for (int r = 0; r < n; r++) {
            for (int c = 0; c < n; c++) {
                columns[(c + 1) * n + r] = image[r * n + c];
            }
        }
        return new float[][] {rows, columns};
    }

    /** {@code sinogram = A image} for one slice ({@code image} row-major N x N, sinogram angles x detectors). */
    void forward(float[] image, float[] sinogram) {
        float[][] padded = padded(image);
        IntStream.range(0, angles).parallel().forEach(a -> {
            double[] ray = new double[4];
            double[] s = new double[6];
            for (int d = 0; d < detectors; d++) {
                setUp(a, d, ray, s);
                sinogram[a * detectors + d] = (float) (integrate(padded[(int) s[0]], s) * s[5]);
            }
        });
    }

    private double integrate(float[] source, double[] s) {
        int kStart = (int) s[1];
        int kEnd = (int) s[2];
        long pos0 = (long) s[3];
        long dpos = (long) s[4];
        double sum = 0;
        for (int k = kStart; k <= kEnd; k++) {
            long pos = pos0 + k * dpos;
            int p = (int) (pos >>> 32) * n + k;
            double f = (pos & LOW) * FRACTION;
            sum += source[p] + f * (source[p + n] - source[p]);
        }
        return sum;
    }

    /** {@code image = A^T sinogram} for one slice; {@code image} is overwritten. */
    void adjoint(float[] sinogram, float[] image) {
        float[][][] buffers = new float[threads][][];
        IntStream.range(0, threads).parallel().forEach(t -> {
            float[][] buffer = {new float[(n + 2) * n], new float[(n + 2) * n]};
            double[] ray = new double[4];
            double[] s = new double[6];
            int from = (int) ((long) angles * t / threads);
            int to = (int) ((long) angles * (t + 1) / threads);
            for (int a = from; a < to; a++) {
                for (int d = 0; d < detectors; d++) {
                    float value = sinogram[a * detectors + d];
                    if (value != 0) {
                        setUp(a, d, ray, s);
                        scatter(buffer[(int) s[0]], s, value * s[5]);
                    }
                }
            }
            buffers[t] = buffer;
        });
        // drop the padding rows and fold the transposed buffers back
        for (int r = 0; r < n; r++) {
            for (int c = 0; c < n; c++) {
                float sum = 0;
                for (float[][] b : buffers) {
                    sum += b[0][(r + 1) * n + c] + b[1][(c + 1) * n + r];
                }
                image[r * n + c] = sum;
            }
        }
    }

    private void scatter(float[] target, double[] s, double value) {
        int kStart = (int) s[1];
        int kEnd = (int) s[2];
        long pos0 = (long) s[3];
        long dpos = (long) s[4];
        for (int k = kStart; k <= kEnd; k++) {
            long pos = pos0 + k * dpos;
            int p = (int) (pos >>> 32) * n + k;
            double f = (pos & LOW) * FRACTION;
            target[p] += (float) ((1 - f) * value);
            target[p + n] += (float) (f * value);
        }
    }

    /** Emits the non-zero weights of ray {@code (angle, detector)}, one pixel at most once. */
    void weights(int angle, int detector, double[] ray, double[] s, WeightSink sink) {
        setUp(angle, detector, ray, s);
        int kStart = (int) s[1];
        int kEnd = (int) s[2];
        long pos0 = (long) s[3];
        long dpos = (long) s[4];
        double w = s[5];
        boolean columns = s[0] == 0;
        for (int k = kStart; k <= kEnd; k++) {
            long pos = pos0 + k * dpos;
            int i = (int) (pos >>> 32) - 1; // unpadded index of the first neighbour, in [-1, N - 1]
            double f = (pos & LOW) * FRACTION;
            int p0 = columns ? i * n + k : k * n + i;
            int step = columns ? n : 1;
            if (i >= 0 && i < n && f < 1) {
                sink.accept(p0, (float) ((1 - f) * w));
            }
            if (i + 1 >= 0 && i + 1 < n && f > 0) {
                sink.accept(p0 + step, (float) (f * w));
            }
        }
    }

    /** Exact number of non-zero weights of the whole matrix (one pass over the rays without storing them). */
    long countNonZeros() {
        return IntStream.range(0, angles).parallel().mapToLong(a -> {
            long[] count = new long[1];
            double[] ray = new double[4];
            double[] s = new double[6];
            for (int d = 0; d < detectors; d++) {
                weights(a, d, ray, s, (p, w) -> count[0]++);
            }
            return count[0];
        }).sum();
    }
}
