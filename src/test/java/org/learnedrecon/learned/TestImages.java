package org.learnedrecon.learned;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Random;
import org.learnedrecon.training.ImageSliceDataset;

/** Small random phantoms (sums of ellipses with intensities in (0, 1]) and Gaussian arrays for fast tests. */
public final class TestImages {

    private TestImages() {
    }

    public static ImageSliceDataset ellipses(int count, int size, long seed) {
        Random random = new Random(seed);
        float[][] slices = new float[count][size * size];
        for (int s = 0; s < count; s++) {
            int ellipses = 2 + random.nextInt(3);
            for (int e = 0; e < ellipses; e++) {
                double cx = (0.3 + 0.4 * random.nextDouble()) * size;
                double cy = (0.3 + 0.4 * random.nextDouble()) * size;
                double ax = (0.1 + 0.25 * random.nextDouble()) * size;
                double ay = (0.1 + 0.25 * random.nextDouble()) * size;
                float value = (float) (0.2 + 0.8 * random.nextDouble());
                for (int y = 0; y < size; y++) {
                    for (int x = 0; x < size; x++) {
                        double u = (x + 0.5 - cx) / ax;
                        double v = (y + 0.5 - cy) / ay;
                        if (u * u + v * v <= 1) {
                            slices[s][y * size + x] += value;
                        }
                    }
                }
            }
        }
        return ImageSliceDataset.of(slices, size, size, count + " random ellipse phantoms " + size + "x" + size);
    }

    /** An array of {@code shape} with standard normal entries from {@code seed}. */
    public static NDArray gaussian(NDManager m, Shape shape, long seed) {
        Random r = new Random(seed);
        float[] v = new float[Math.toIntExact(shape.size())];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return m.create(v, shape);
    }
}
