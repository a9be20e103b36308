package org.learnedrecon.phantoms;

import java.util.List;

/**
 * Rasterises additive ellipse phantoms onto an n x n pixel grid, row-major, row 0 at the top. Pixel (row i,
 * column j) is sampled at its centre, with the grid of centres spanning [-1, 1] end to end as MATLAB's
 * {@code phantom(n)} does: x = -1 + 2 j / (n - 1), y = 1 - 2 i / (n - 1). Point sampling (no supersampling) keeps
 * values exactly equal to sums of ellipse intensities.
 */
public final class EllipsePhantom {

    private EllipsePhantom() {
    }

    /** A new n x n image (row-major) of the sum of the ellipses' intensities at each pixel centre. */
    public static float[] render(List<Ellipse> ellipses, int n) {
        if (n < 2) {
            throw new IllegalArgumentException("Phantom size must be at least 2 pixels, got " + n);
        }
        float[] pixels = new float[n * n];
        double step = 2.0 / (n - 1);
        for (Ellipse e : ellipses) {
            // Only visit the rows/columns of the ellipse's bounding box: max(a, b) bounds it at any angle.
            double r = Math.max(e.a(), e.b());
            int rowMin = Math.max(0, (int) Math.floor((1 - (e.y0() + r)) / step));
            int rowMax = Math.min(n - 1, (int) Math.ceil((1 - (e.y0() - r)) / step));
            int colMin = Math.max(0, (int) Math.floor((e.x0() - r + 1) / step));
            int colMax = Math.min(n - 1, (int) Math.ceil((e.x0() + r + 1) / step));
            float value = (float) e.intensity();
            for (int i = rowMin; i <= rowMax; i++) {
                double y = 1 - i * step;
                for (int j = colMin; j <= colMax; j++) {
                    if (e.contains(-1 + j * step, y)) {
                        pixels[i * n + j] += value;
                    }
                }
            }
        }
        return pixels;
    }
}
