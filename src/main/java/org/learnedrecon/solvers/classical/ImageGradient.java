package org.learnedrecon.solvers.classical;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;

/**
 * Forward-difference gradient over the last two axes (rows, columns) of a batch {@code (B, c..., H, W)}, with
 * Neumann boundary: the difference across the last row (column) is 0. The result stacks the two directions on a
 * new axis 1: {@code (B, 2, c..., H, W)}, index 0 = row direction ({@code x[i+1, j] - x[i, j]}), 1 = column
 * direction. {@link #adjoint} is the exact transpose ({@code -div}), so {@code <grad x, q> = <x, grad* q>}.
 * Its operator norm is below {@code sqrt(8)} regardless of the leading axes.
 */
public final class ImageGradient {

    /** Upper bound of {@code ||grad||} (2-D forward differences: {@code sqrt(4 + 4)}). */
    public static final double NORM_BOUND = Math.sqrt(8);

    private ImageGradient() {
    }

    /** {@code (B, c..., H, W) -> (B, 2, c..., H, W)}; needs {@code H, W >= 2}. Result in {@code x}'s manager. */
    public static NDArray apply(NDArray x) {
        int nd = x.getShape().dimension();
        if (nd < 3 || x.getShape().get(nd - 2) < 2 || x.getShape().get(nd - 1) < 2) {
            throw new IllegalArgumentException("The image gradient needs a batch (B, ..., H, W) with H, W >= 2, got "
                + x.getShape());
        }
        NDArray rows = x.get("..., 1:, :").sub(x.get("..., :-1, :"));
        rows = rows.concat(x.get("..., 0:1, :").zerosLike(), nd - 2);
        NDArray cols = x.get("..., 1:").sub(x.get("..., :-1"));
        cols = cols.concat(x.get("..., 0:1").zerosLike(), nd - 1);
        return NDArrays.stack(new ai.djl.ndarray.NDList(rows, cols), 1);
    }

    /** The transpose {@code (B, 2, c..., H, W) -> (B, c..., H, W)}. Result in {@code q}'s manager. */
    public static NDArray adjoint(NDArray q) {
        int nd = q.getShape().dimension() - 1;
        NDArray rows = q.get(":, 0");
        NDArray cols = q.get(":, 1");
        NDArray out = transposedDifference(rows, "..., :-1, :", "..., 0:1, :", nd - 2);
        return out.addi(transposedDifference(cols, "..., :-1", "..., 0:1", nd - 1));
    }

    /** {@code (D^T q)[i] = q[i-1] - q[i]} with {@code q[-1] = q[n-1] = 0}: pad front minus pad back. */
    private static NDArray transposedDifference(NDArray q, String allButLast, String first, int axis) {
        NDArray kept = q.get(allButLast);
        NDArray zero = q.get(first).zerosLike();
        return zero.concat(kept, axis).sub(kept.concat(zero, axis));
    }
}
