package org.learnedrecon.solvers.classical;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Random;
import org.learnedrecon.physics.MatrixOperator;

/** Test systems as dense matrices ({@link MatrixOperator}), given row-major or generated. */
final class DenseMatrixOperator {

    private DenseMatrixOperator() {
    }

    /** The {@code range.size() x domain.size()} matrix of {@code rowMajor}. */
    static MatrixOperator of(NDManager manager, float[] rowMajor, Shape range, Shape domain) {
        if (rowMajor.length != range.size() * domain.size()) {
            throw new IllegalArgumentException("matrix size mismatch");
        }
        NDArray matrix = manager.create(rowMajor, new Shape(range.size(), domain.size()));
        return new MatrixOperator(matrix, matrix.transpose(), range, domain, false);
    }

    /** Gaussian random {@code m x n} matrix scaled by {@code 1/sqrt(m)}. */
    static MatrixOperator gaussian(NDManager manager, int m, int n, long seed) {
        Random random = new Random(seed);
        float[] a = new float[m * n];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) (random.nextGaussian() / Math.sqrt(m));
        }
        return of(manager, a, new Shape(m), new Shape(n));
    }

    /** Uniform [0, 1) random {@code m x n} matrix: non-negative like a ray transform. */
    static MatrixOperator nonNegative(NDManager manager, int m, int n, long seed) {
        return nonNegative(manager, m, n, 1.0, seed);
    }

    /**
     * Non-negative {@code m x n} matrix whose entries are uniform [0, 1) with probability {@code density}, else 0:
     * like a ray transform, where each ray meets few pixels.
     */
    static MatrixOperator nonNegative(NDManager manager, int m, int n, double density, long seed) {
        Random random = new Random(seed);
        float[] a = new float[m * n];
        for (int i = 0; i < a.length; i++) {
            float v = random.nextFloat();
            a[i] = random.nextDouble() < density ? v : 0f;
        }
        return of(manager, a, new Shape(m), new Shape(n));
    }

    /**
     * 2-D blur then subsampling of an {@code h x w} image: 3x3 binomial kernel {@code [1 2 1]^T [1 2 1] / 16} with
     * zero boundary, then every {@code rowStep}-th row and {@code colStep}-th column kept.
     */
    static MatrixOperator blurSubsample(NDManager manager, int h, int w, int rowStep, int colStep) {
        int mh = (h + rowStep - 1) / rowStep;
        int mw = (w + colStep - 1) / colStep;
        float[] a = new float[mh * mw * h * w];
        float[] k = {0.25f, 0.5f, 0.25f};
        for (int r = 0; r < mh; r++) {
            for (int c = 0; c < mw; c++) {
                int row = r * mw + c;
                for (int dr = -1; dr <= 1; dr++) {
                    for (int dc = -1; dc <= 1; dc++) {
                        int ir = r * rowStep + dr;
                        int ic = c * colStep + dc;
                        if (ir >= 0 && ir < h && ic >= 0 && ic < w) {
                            a[row * h * w + ir * w + ic] = k[dr + 1] * k[dc + 1];
                        }
                    }
                }
            }
        }
        return of(manager, a, new Shape(mh, mw), new Shape(h, w));
    }

    /** Identity on samples of the given shape. */
    static MatrixOperator identity(NDManager manager, Shape shape) {
        int n = (int) shape.size();
        float[] a = new float[n * n];
        for (int i = 0; i < n; i++) {
            a[i * n + i] = 1;
        }
        return of(manager, a, shape, shape);
    }
}
