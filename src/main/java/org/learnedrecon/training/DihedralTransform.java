package org.learnedrecon.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * The eight quarter turns and flips of square images (the dihedral group of the square), the exact alternative to
 * {@link ImageRotation}'s interpolated rotations in the equivariant imaging loss ({@code ei.dihedral=true}): each is a
 * permutation of the pixels, so the transformed image is not blurred. Element {@code e} of {@code 0..7} turns the
 * image {@code e % 4} quarter turns and, for {@code e >= 4}, mirrors it left to right first; 0 is the identity. In
 * Cartesian MRI a quarter turn maps sampled rows of k-space onto columns; in parallel-beam CT over 180 degrees with
 * evenly spaced views, quarter turns and flips map the scan onto itself and teach nothing.
 *
 * <p>One {@code take} gather, linear in the image: autograd gives its transpose.
 */
public final class DihedralTransform {

    /** The number of elements. */
    public static final int ELEMENTS = 8;

    private DihedralTransform() {
    }

    /**
     * {@code x} {@code (B, ..., N, N)} with sample {@code b} transformed by element {@code elements[b]}; every leading
     * channel alike; attached to the manager of {@code x}.
     *
     * @throws IllegalArgumentException for non-square images, a count of elements other than {@code B}, or an
     *     element outside 0..7
     */
    public static NDArray apply(NDArray x, int[] elements) {
        Shape shape = x.getShape();
        int d = shape.dimension();
        int batch = (int) shape.get(0);
        if (d < 3 || elements.length != batch || shape.get(d - 1) != shape.get(d - 2)) {
            throw new IllegalArgumentException("Quarter turns and flips need square images (B, ..., N, N) and one"
                + " element per sample, got " + shape + " and " + elements.length + " elements");
        }
        int n = (int) shape.get(d - 1);
        int pixels = n * n;
        int planes = Math.toIntExact(shape.size() / ((long) pixels * batch));
        long[] index = new long[batch * planes * pixels];
        for (int b = 0; b < batch; b++) {
            int e = elements[b];
            if (e < 0 || e >= ELEMENTS) {
                throw new IllegalArgumentException("A dihedral element is 0 to 7, got " + e);
            }
            for (int r = 0; r < n; r++) {
                for (int c = 0; c < n; c++) {
                    // The source of output pixel (r, c): undo the turns, then the mirror.
                    int sr = r;
                    int sc = c;
                    for (int t = 0; t < e % 4; t++) {
                        int next = sc;
                        sc = n - 1 - sr;
                        sr = next;
                    }
                    if (e >= 4) {
                        sc = n - 1 - sc;
                    }
                    for (int p = 0; p < planes; p++) {
                        int base = (b * planes + p) * pixels;
                        index[base + r * n + c] = base + sr * n + sc;
                    }
                }
            }
        }
        return x.reshape(shape.size()).take(x.getManager().create(index)).reshape(shape);
    }
}
