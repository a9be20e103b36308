package org.learnedrecon.physics.ct;

import java.util.stream.IntStream;

/**
 * Joseph's line-integral kernel (P. M. Joseph, IEEE TMI 1982) on one image slice, in plain Java.
 *
 * <p>Why Joseph: the line integral of the image interpolated linearly along the minor axis is close to what
 * scikit-image's rotate-bilinearly-and-sum {@code radon} computes; every ray touches at most two pixels per step,
 * so the operator is sparse (≈ 2 N non-zeros per ray), exactly transposable (the adjoint below scatters the same
 * weights the forward gathers), and the same weights are exported to a sparse matrix for the differentiable
 * backend. A ray that is closer to the x axis steps one image column at a time and interpolates linearly between
 * the two nearest rows (and vice versa); the step length {@code 1 / |v_major|} makes the sum a line integral in
 * pixel units. Outside the image the interpolant is zero.
 *
 * <p>Threading: forward is parallel over angles (each ray writes one sinogram value); the adjoint gives each
 * worker a private image buffer for its block of angles and sums the buffers afterwards, so there is no write
 * contention and the result is deterministic for a given thread count.
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
     * when it steps through rows; {@code [kStart, kEnd]} are the steps whose sample lies within one pixel of the
     * image.
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
        double kStart;
        double kEnd;
        if (dpos == 0) {
            boolean inside = pos0 > -1 && pos0 < n;
            kStart = inside ? 0 : 1;
            kEnd = inside ? n - 1 : 0;
        } else {
            double k1 = (-1 - pos0) / dpos;
            double k2 = (n - pos0) / dpos;
            kStart = Math.max(0, Math.floor(Math.min(k1, k2)));
            kEnd = Math.min(n - 1, Math.ceil(Math.max(k1, k2)));
        }
        out[1] = kStart;
        out[2] = kEnd;
        out[3] = pos0;
        out[4] = dpos;
        out[5] = weight;
    }

    /** {@code sinogram = A image} for one slice ({@code image} row-major N x N, sinogram angles x detectors). */
    void forward(float[] image, float[] sinogram) {
        IntStream.range(0, angles).parallel().forEach(a -> {
            double[] ray = new double[4];
            double[] s = new double[6];
            for (int d = 0; d < detectors; d++) {
                setUp(a, d, ray, s);
                sinogram[a * detectors + d] = (float) (integrate(image, s) * s[5]);
            }
        });
    }

    private double integrate(float[] image, double[] s) {
        int kStart = (int) s[1];
        int kEnd = (int) s[2];
        double pos0 = s[3];
        double dpos = s[4];
        double sum = 0;
        if (s[0] == 0) {
            for (int k = kStart; k <= kEnd; k++) {
                double r = pos0 + k * dpos;
                int i = (int) Math.floor(r);
                double f = r - i;
                if (i >= 0 && i < n) {
                    sum += (1 - f) * image[i * n + k];
                }
                if (i + 1 >= 0 && i + 1 < n) {
                    sum += f * image[(i + 1) * n + k];
                }
            }
        } else {
            for (int k = kStart; k <= kEnd; k++) {
                double r = pos0 + k * dpos;
                int j = (int) Math.floor(r);
                double f = r - j;
                int row = k * n;
                if (j >= 0 && j < n) {
                    sum += (1 - f) * image[row + j];
                }
                if (j + 1 >= 0 && j + 1 < n) {
                    sum += f * image[row + j + 1];
                }
            }
        }
        return sum;
    }

    /** {@code image = A^T sinogram} for one slice; {@code image} is overwritten. */
    void adjoint(float[] sinogram, float[] image) {
        float[][] buffers = new float[threads][];
        IntStream.range(0, threads).parallel().forEach(t -> {
            float[] buffer = new float[n * n];
            double[] ray = new double[4];
            double[] s = new double[6];
            int from = (int) ((long) angles * t / threads);
            int to = (int) ((long) angles * (t + 1) / threads);
            for (int a = from; a < to; a++) {
                for (int d = 0; d < detectors; d++) {
                    float value = sinogram[a * detectors + d];
                    if (value != 0) {
                        setUp(a, d, ray, s);
                        scatter(buffer, s, value * s[5]);
                    }
                }
            }
            buffers[t] = buffer;
        });
        System.arraycopy(buffers[0], 0, image, 0, n * n);
        for (int t = 1; t < threads; t++) {
            float[] b = buffers[t];
            for (int p = 0; p < n * n; p++) {
                image[p] += b[p];
            }
        }
    }

    private void scatter(float[] image, double[] s, double value) {
        int kStart = (int) s[1];
        int kEnd = (int) s[2];
        double pos0 = s[3];
        double dpos = s[4];
        boolean columns = s[0] == 0;
        for (int k = kStart; k <= kEnd; k++) {
            double r = pos0 + k * dpos;
            int i = (int) Math.floor(r);
            double f = r - i;
            int p0 = columns ? i * n + k : k * n + i;
            int step = columns ? n : 1;
            if (i >= 0 && i < n) {
                image[p0] += (float) ((1 - f) * value);
            }
            if (i + 1 >= 0 && i + 1 < n) {
                image[p0 + step] += (float) (f * value);
            }
        }
    }

    /** Emits the non-zero weights of ray {@code (angle, detector)}, one pixel at most once. */
    void weights(int angle, int detector, double[] ray, double[] s, WeightSink sink) {
        setUp(angle, detector, ray, s);
        int kStart = (int) s[1];
        int kEnd = (int) s[2];
        double pos0 = s[3];
        double dpos = s[4];
        double w = s[5];
        boolean columns = s[0] == 0;
        for (int k = kStart; k <= kEnd; k++) {
            double r = pos0 + k * dpos;
            int i = (int) Math.floor(r);
            double f = r - i;
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
