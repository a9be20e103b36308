package org.learnedrecon.solvers.classical;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * Vector-space operations over a batch: each sample {@code (B, ...)} is one vector of the real Euclidean space,
 * so inner products are per sample, shape {@code (B)}; {@link #perSample} makes them broadcast against a batch.
 */
public final class BatchedVectors {

    private BatchedVectors() {
    }

    /** Per-sample inner products {@code <a_b, c_b>}, shape {@code (B)}. */
    public static NDArray dot(NDArray a, NDArray c) {
        return a.mul(c).sum(sampleAxes(a));
    }

    /** Per-sample scalars {@code (B)} reshaped to {@code (B, 1, ..., 1)} to broadcast against {@code like}. */
    public static NDArray perSample(NDArray scalars, NDArray like) {
        return perSample(scalars, like.getShape().dimension());
    }

    /** Per-sample scalars {@code (B)} reshaped to {@code (B, 1, ..., 1)}, {@code dimensions} axes in all. */
    public static NDArray perSample(NDArray scalars, int dimensions) {
        long[] shape = new long[dimensions];
        java.util.Arrays.fill(shape, 1);
        shape[0] = scalars.getShape().get(0);
        return scalars.reshape(shape);
    }

    static int[] sampleAxes(NDArray a) {
        int[] axes = new int[a.getShape().dimension() - 1];
        for (int i = 0; i < axes.length; i++) {
            axes[i] = i + 1;
        }
        return axes;
    }

    /** {@code ||next - previous|| / ||previous||} over the whole batch; infinite when {@code previous = 0}. */
    static double relativeChange(NDArray next, NDArray previous) {
        double diff = next.sub(previous).norm().getFloat();
        double base = previous.norm().getFloat();
        return base > 0 ? diff / base : Double.POSITIVE_INFINITY;
    }

    /** Moves arrays into {@code step}: they are freed when it closes. */
    static void own(NDManager step, NDArray... arrays) {
        for (NDArray a : arrays) {
            a.attach(step);
        }
    }

    /** Lends arrays to {@code step}: they go back to their manager when it closes. */
    static void borrow(NDManager step, NDArray... arrays) {
        for (NDArray a : arrays) {
            a.tempAttach(step);
        }
    }

    /** Moves results to the work manager so they survive the step. */
    static void keep(NDManager work, NDArray... arrays) {
        for (NDArray a : arrays) {
            a.attach(work);
        }
    }
}
