package org.learnedrecon.training;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.learnedrecon.physics.ct.ParallelBeamGeometry;
import org.learnedrecon.physics.ct.RayTransform;

/** Measured sinograms for tests: phantoms projected and given Gaussian noise relative to each sinogram's RMS. */
final class TestSinograms {

    private TestSinograms() {
    }

    /**
     * The sinogram of each slice of {@code truths} ({@code (angles, detectors)}, row-major) through {@code geometry},
     * plus noise of {@code level} times its RMS drawn from {@code random}, slice after slice.
     */
    static List<float[]> noisy(ImageSliceDataset truths, ParallelBeamGeometry geometry, double level, Random random) {
        List<float[]> sinograms = new ArrayList<>();
        int n = truths.width();
        try (NDManager m = NDManager.newBaseManager()) {
            RayTransform ray = RayTransform.matrixFree(geometry);
            for (int i = 0; i < truths.size(); i++) {
                float[] y = ray.apply(truths.batch(m, new int[] {i}, new Shape(n, n), 1)).toFloatArray();
                double power = 0;
                for (float v : y) {
                    power += v * v;
                }
                double sigma = level * Math.sqrt(power / y.length);
                for (int j = 0; j < y.length; j++) {
                    y[j] += (float) (sigma * random.nextGaussian());
                }
                sinograms.add(y);
            }
        }
        return sinograms;
    }
}
