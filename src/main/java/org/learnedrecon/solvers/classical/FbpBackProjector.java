package org.learnedrecon.solvers.classical;

import java.util.stream.IntStream;
import org.learnedrecon.physics.ct.FanBeamGeometry;
import org.learnedrecon.solvers.ProgressMonitor;

/**
 * Pixel-driven fan-beam back-projection of filtered rows for {@link FilteredBackProjection}: each image row is one
 * task, so threads never write to the same pixel. Parallel beams use {@link ParallelBeamBackProjector}.
 */
final class FbpBackProjector {

    private FbpBackProjector() {
    }

    /**
     * @param rows filtered rows of length {@code detectors + 1} (last entry 0: the zero extension)
     * @param weights angular weight of each row
     */
    static float[] backProject(float[][] rows, FanBeamGeometry g, double[] weights, ProgressMonitor progress,
                               long doneBefore, long total) {
        int n = g.imageSize();
        float[] image = new float[n * n];
        int rowsPerReport = Math.max(1, n / 16);
        for (int start = 0; start < n; start += rowsPerReport) {
            progress.checkCancelled();
            int end = Math.min(n, start + rowsPerReport);
            IntStream.range(start, end).parallel().forEach(r -> fanRow(rows, g, weights, r, image));
            progress.progress(doneBefore + g.angleCount() + end, total, "FBP: back-projecting");
        }
        return image;
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
