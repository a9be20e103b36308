package org.learnedrecon.learned;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.util.Random;
import org.learnedrecon.physics.MatrixOperator;

/**
 * Test operator standing in for the CT ray transform: a random sparse non-negative matrix stored as a DJL COO
 * tensor, mapping images (H, W) to "sinograms" (views, detectors) by sparse-dense matmul, with the transposed
 * matrix as adjoint. Differentiable in the image, as the real ray transform will be. Each row sums {@code perRow}
 * entries at random pixels near a random line, so it is roughly CT-like in conditioning.
 * {@link #create} makes it, as a {@link MatrixOperator}.
 */
public final class RandomSparseOperator {

    private RandomSparseOperator() {
    }

    /** A {@code (views x detectors) x (height x width)} matrix with {@code perRow} entries per row. */
    public static MatrixOperator create(NDManager manager, int height, int width, int views, int detectors,
        int perRow, long seed) {
        Shape domain = new Shape(height, width);
        Shape range = new Shape(views, detectors);
        Entries e = randomLineEntries(height, width, views, detectors, perRow, seed);
        return new MatrixOperator(e.sparse(manager, range.size(), domain.size(), false),
            e.sparse(manager, domain.size(), range.size(), true), range, domain, true);
    }

    /** The non-zero entries of the matrix: row and column indices and values. */
    private record Entries(long[] rows, long[] columns, float[] values) {

        // Not NDManager.createCoo: it builds the index and value tensors on Java direct buffers (torch from_blob),
        // closes them and returns a sparse tensor that still points into those buffers, so once the garbage
        // collector frees them the indices are garbage ("addmm: index out of column bound"). The index and value
        // tensors made here stay in the manager, alive for the operator's lifetime.
        NDArray sparse(NDManager manager, long height, long width, boolean transpose) {
            NDArray indices = manager.create(transpose ? new long[][] {columns, rows} : new long[][] {rows, columns});
            NDArray sparse = JniUtils.createSparseCoo((PtNDArray) indices, (PtNDArray) manager.create(values),
                new Shape(height, width));
            sparse.attach(manager);
            return sparse;
        }
    }

    private static Entries randomLineEntries(int height, int width, int views, int detectors, int perRow,
        long seed) {
        int rows = views * detectors;
        Random random = new Random(seed);
        long[] r = new long[rows * perRow];
        long[] c = new long[rows * perRow];
        float[] v = new float[rows * perRow];
        int k = 0;
        for (int view = 0; view < views; view++) {
            double angle = Math.PI * view / views;
            double cos = Math.cos(angle);
            double sin = Math.sin(angle);
            for (int d = 0; d < detectors; d++) {
                double s = (d + 0.5 - detectors / 2.0) * Math.max(height, width) / (double) detectors;
                for (int j = 0; j < perRow; j++) {
                    double t = (j + random.nextDouble()) / perRow - 0.5;
                    double along = t * Math.max(height, width);
                    int px = (int) Math.floor(width / 2.0 + s * cos - along * sin);
                    int py = (int) Math.floor(height / 2.0 + s * sin + along * cos);
                    px = Math.floorMod(px, width);
                    py = Math.floorMod(py, height);
                    r[k] = view * detectors + d;
                    c[k] = (long) py * width + px;
                    v[k] = 0.5f + random.nextFloat();
                    k++;
                }
            }
        }
        return new Entries(r, c, v);
    }
}
