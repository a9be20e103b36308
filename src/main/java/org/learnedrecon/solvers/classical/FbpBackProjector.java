package org.learnedrecon.solvers.classical;

import java.util.stream.IntStream;
import org.learnedrecon.physics.ct.CtGeometry;
import org.learnedrecon.physics.ct.FanBeamGeometry;
import org.learnedrecon.solvers.ProgressMonitor;

/**
 * Pixel-driven back-projection of filtered rows for {@link FilteredBackProjection}: each image row is one task, so
 * threads never write to the same pixel; along a parallel-beam row the detector position is linear in the column,
 * which keeps the inner loop to one multiply-add and one interpolation.
 */
final class FbpBackProjector {

    private FbpBackProjector() {
    }

    /**
     * @param rows filtered rows of length {@code detectors + 1} (last entry 0, read when {@code p = detectors - 1})
     * @param weights angular weight of each row
     */
    static float[] backProject(float[][] rows, CtGeometry g, double[] weights, ProgressMonitor progress,
                               long doneBefore, long total) {
        int n = g.imageSize();
        float[] image = new float[n * n];
        float[][] pairs = g instanceof FanBeamGeometry ? null : valueSlopePairs(rows, weights);
        int tasks = (n + ROWS_PER_TASK - 1) / ROWS_PER_TASK;
        int tasksPerReport = Math.max(1, tasks / 16);
        for (int start = 0; start < tasks; start += tasksPerReport) {
            progress.checkCancelled();
            int end = Math.min(tasks, start + tasksPerReport);
            if (pairs == null) {
                IntStream.range(start * ROWS_PER_TASK, Math.min(n, end * ROWS_PER_TASK)).parallel()
                    .forEach(r -> fanRow(rows, (FanBeamGeometry) g, weights, r, image));
            } else {
                IntStream.range(start, end).parallel().forEach(t -> parallelRows(pairs, g, t * ROWS_PER_TASK,
                    Math.min(n, (t + 1) * ROWS_PER_TASK), image));
            }
            progress.progress(doneBefore + g.angleCount() + Math.min(n, end * ROWS_PER_TASK), total,
                "FBP: back-projecting");
        }
        return image;
    }

    /** Image rows per parallel-beam task: their accumulators stay in cache while every angle streams past. */
    private static final int ROWS_PER_TASK = 8;

    /**
     * Each filtered row times its angular weight, stored as interleaved {@code (q[i], q[i+1] - q[i])} so the
     * interpolation reads one cache line and does one multiply-add.
     */
    private static float[][] valueSlopePairs(float[][] rows, double[] weights) {
        float[][] pairs = new float[rows.length][];
        IntStream.range(0, rows.length).parallel().forEach(a -> {
            float[] q = rows[a];
            int detectors = q.length - 1;
            float w = (float) weights[a];
            float[] p = new float[2 * detectors];
            for (int i = 0; i < detectors; i++) {
                p[2 * i] = w * q[i];
                p[2 * i + 1] = w * (q[i + 1] - q[i]);
            }
            pairs[a] = p;
        });
        return pairs;
    }

    private static void parallelRows(float[][] pairs, CtGeometry g, int rowFrom, int rowTo, float[] image) {
        int n = g.imageSize();
        int detectors = g.detectorCount();
        double c = n / 2;
        double[] angles = g.angles();
        double centre = detectors / 2 + g.centerOfRotationOffset();
        double last = detectors - 1;
        for (int a = 0; a < angles.length; a++) {
            float[] q = pairs[a];
            double cos = Math.cos(angles[a]);
            double sin = Math.sin(angles[a]);
            // detector index of column col: ((col - c) cos - y sin) / spacing + centre = base + col * step
            double step = cos / g.detectorSpacing();
            for (int row = rowFrom; row < rowTo; row++) {
                double base = (-c * cos - (row - c) * sin) / g.detectorSpacing() + centre;
                // columns whose position lies in [0, detectors - 1]; the test in the loop catches rounding
                // (bounds clamped in double: near 90 degrees step ~ 1e-17 and the quotients overflow an int)
                double from = 0;
                double to = n - 1;
                if (step > 0) {
                    from = Math.max(from, Math.ceil(-base / step) - 1);
                    to = Math.min(to, Math.floor((last - base) / step) + 1);
                } else if (step < 0) {
                    from = Math.max(from, Math.ceil((last - base) / step) - 1);
                    to = Math.min(to, Math.floor(-base / step) + 1);
                } else if (base < 0 || base > last) {
                    continue;
                }
                int first = (int) from;
                int end = (int) to;
                // make the range exact with the loop's own arithmetic (p is monotonic in col), so the inner
                // loop needs no test
                while (first <= end && !(base + first * step >= 0 && base + first * step <= last)) {
                    first++;
                }
                while (end >= first && !(base + end * step >= 0 && base + end * step <= last)) {
                    end--;
                }
                int offset = row * n;
                for (int col = first; col <= end; col++) {
                    // zero beyond the outer detector centres, like np.interp(left=0, right=0)
                    double p = base + col * step;
                    int i = (int) p;
                    float f = (float) (p - i);
                    image[offset + col] += q[2 * i] + f * q[2 * i + 1];
                }
            }
        }
    }

    private static void fanRow(float[][] rows, FanBeamGeometry g, double[] weights, int row, float[] image) {
        int n = g.imageSize();
        int detectors = g.detectorCount();
        double c = n / 2;
        double y = row - c;
        double[] angles = g.angles();
        double centre = detectors / 2 + g.centerOfRotationOffset();
        double r = g.sourceDistance();
        double sdd = g.sourceToDetector();
        boolean flat = g.detectorShape() == FanBeamGeometry.DetectorShape.FLAT;
        float[] acc = new float[n];
        for (int a = 0; a < angles.length; a++) {
            float[] q = rows[a];
            double cos = Math.cos(angles[a]);
            double sin = Math.sin(angles[a]);
            double w = weights[a];
            for (int col = 0; col < n; col++) {
                double x = col - c;
                // e_u = (sin, cos), e_t = (cos, -sin); the source sits at -R e_u
                double u = r + x * sin + y * cos;
                double t = x * cos - y * sin;
                double p;
                double distanceWeight;
                if (flat) {
                    p = sdd * t / u / g.detectorSpacing() + centre;
                    distanceWeight = r * r / (u * u);
                } else {
                    p = Math.atan2(t, u) * sdd / g.detectorSpacing() + centre;
                    distanceWeight = 1 / (u * u + t * t);
                }
                if (p < 0 || p > detectors - 1) {
                    continue;
                }
                int i = (int) p;
                double f = p - i;
                acc[col] += (float) (w * distanceWeight * (q[i] + f * (q[i + 1] - q[i])));
            }
        }
        System.arraycopy(acc, 0, image, row * n, n);
    }
}
