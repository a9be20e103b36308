package org.learnedrecon.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * Rotation of image batches by bilinear interpolation, the transformation group of the equivariant imaging loss
 * ({@link EquivariantImagingLoss}). Convention: sample {@code b} of {@code (B, ..., H, W)} is turned by
 * {@code angles[b]} radians about the centre of the pixel grid, {@code ((H-1)/2, (W-1)/2)} in (row, column) index,
 * anticlockwise as displayed (rows down); every leading channel (e.g. real and imaginary part) turns alike. Output
 * pixels whose source falls outside the image are 0. Rotations by multiples of 90 degrees about that centre permute
 * the pixels exactly, so four quarter turns are the identity.
 *
 * <p>Written as four {@code take} gathers with fixed weights, so it is linear in the image and autograd gives its
 * transpose: the EI loss differentiates through it.
 */
public final class ImageRotation {

    private ImageRotation() {
    }

    /** {@code x} rotated, sample by sample; attached to the manager of {@code x}. */
    public static NDArray rotate(NDArray x, double[] angles) {
        Shape shape = x.getShape();
        int d = shape.dimension();
        int batch = (int) shape.get(0);
        if (d < 3 || angles.length != batch) {
            throw new IllegalArgumentException("Rotation needs (B, ..., H, W) and one angle per sample, got " + shape
                + " and " + angles.length + " angles");
        }
        int height = (int) shape.get(d - 2);
        int width = (int) shape.get(d - 1);
        int planes = Math.toIntExact(shape.size() / ((long) height * width * batch));
        int pixels = height * width;
        int total = batch * planes * pixels;
        long[][] index = new long[4][total];
        float[][] weight = new float[4][total];
        double cy = (height - 1) / 2.0;
        double cx = (width - 1) / 2.0;
        for (int b = 0; b < batch; b++) {
            double cos = Math.cos(angles[b]);
            double sin = Math.sin(angles[b]);
            for (int r = 0; r < height; r++) {
                for (int c = 0; c < width; c++) {
                    // The source of output pixel (r, c): the inverse rotation of its offset from the centre.
                    double dx = c - cx;
                    double dy = r - cy;
                    double sx = snap(cx + cos * dx - sin * dy);
                    double sy = snap(cy + sin * dx + cos * dy);
                    int x0 = (int) Math.floor(sx);
                    int y0 = (int) Math.floor(sy);
                    double fx = sx - x0;
                    double fy = sy - y0;
                    for (int p = 0; p < planes; p++) {
                        int base = (b * planes + p) * pixels;
                        int out = base + r * width + c;
                        corner(index[0], weight[0], out, base, y0, x0, (1 - fy) * (1 - fx), height, width);
                        corner(index[1], weight[1], out, base, y0, x0 + 1, (1 - fy) * fx, height, width);
                        corner(index[2], weight[2], out, base, y0 + 1, x0, fy * (1 - fx), height, width);
                        corner(index[3], weight[3], out, base, y0 + 1, x0 + 1, fy * fx, height, width);
                    }
                }
            }
        }
        NDManager manager = x.getManager();
        NDArray flat = x.reshape(total);
        NDArray result = null;
        for (int k = 0; k < 4; k++) {
            NDArray term = flat.take(manager.create(index[k])).mul(manager.create(weight[k]));
            result = result == null ? term : result.add(term);
        }
        return result.reshape(shape);
    }

    /** Rounds coordinates within 1e-9 of a grid line onto it, so quarter turns are exact permutations. */
    private static double snap(double v) {
        double r = Math.rint(v);
        return Math.abs(v - r) < 1e-9 ? r : v;
    }

    /** One bilinear corner: its flat index, or weight 0 (and any valid index) outside the image. */
    private static void corner(long[] index, float[] weight, int out, int base, int row, int column, double w,
        int height, int width) {
        boolean inside = row >= 0 && row < height && column >= 0 && column < width;
        index[out] = inside ? base + (long) row * width + column : base;
        weight[out] = inside ? (float) w : 0f;
    }
}
