package org.learnedrecon.phantoms;

import java.util.List;
import net.imglib2.img.basictypeaccess.array.FloatArray;
import net.imglib2.img.planar.PlanarImg;
import net.imglib2.img.planar.PlanarImgs;
import net.imglib2.type.numeric.real.FloatType;

/**
 * The modified Shepp-Logan head phantom of P. Toft (The Radon Transform, 1996), as MATLAB's
 * {@code phantom('Modified Shepp-Logan')} and scikit-image's {@code shepp_logan_phantom}: ten ellipses whose
 * intensities (1, -0.8, -0.2, 0.1) are chosen for contrast, so every pixel lies in [0, 1] (background 0, skull 1,
 * brain 0.2, ventricles 0, small features 0.3).
 */
public final class SheppLoganPhantom {

    /** The ten ellipses: intensity, half-axes a and b, centre (x0, y0), rotation (Toft gives degrees). */
    public static final List<Ellipse> ELLIPSES = List.of(
        ellipse(1.0, 0.69, 0.92, 0, 0, 0),
        ellipse(-0.8, 0.6624, 0.8740, 0, -0.0184, 0),
        ellipse(-0.2, 0.1100, 0.3100, 0.22, 0, -18),
        ellipse(-0.2, 0.1600, 0.4100, -0.22, 0, 18),
        ellipse(0.1, 0.2100, 0.2500, 0, 0.35, 0),
        ellipse(0.1, 0.0460, 0.0460, 0, 0.1, 0),
        ellipse(0.1, 0.0460, 0.0460, 0, -0.1, 0),
        ellipse(0.1, 0.0460, 0.0230, -0.08, -0.605, 0),
        ellipse(0.1, 0.0230, 0.0230, 0, -0.606, 0),
        ellipse(0.1, 0.0230, 0.0460, 0.06, -0.605, 0));

    private SheppLoganPhantom() {
    }

    /** The phantom on an n x n grid (row-major, row 0 at the top; grid convention of {@link EllipsePhantom}). */
    public static float[] render(int n) {
        float[] pixels = EllipsePhantom.render(ELLIPSES, n);
        // Overlaps such as 1 - 0.8 leave float rounding residue (e.g. 0.19999999); clamp into the documented range.
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = Math.min(1f, Math.max(0f, pixels[i]));
        }
        return pixels;
    }

    /**
     * An (n, n, slices) stack of identical phantoms ((n, n) when slices = 1), ImgLib2 layout of
     * {@code org.learnedrecon.io.ImagePlusAdapter}.
     */
    public static PlanarImg<FloatType, FloatArray> stack(int n, int slices) {
        if (slices < 1) {
            throw new IllegalArgumentException("Number of slices must be at least 1, got " + slices);
        }
        float[] pixels = render(n);
        PlanarImg<FloatType, FloatArray> img = slices == 1 ? PlanarImgs.floats(n, n) : PlanarImgs.floats(n, n, slices);
        for (int s = 0; s < slices; s++) {
            System.arraycopy(pixels, 0, img.getPlane(s).getCurrentStorageArray(), 0, pixels.length);
        }
        return img;
    }

    private static Ellipse ellipse(double intensity, double a, double b, double x0, double y0, double degrees) {
        return new Ellipse(intensity, a, b, x0, y0, Math.toRadians(degrees));
    }
}
