package org.learnedrecon.phantoms;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.imglib2.img.basictypeaccess.array.FloatArray;
import net.imglib2.img.planar.PlanarImg;
import net.imglib2.img.planar.PlanarImgs;
import net.imglib2.type.numeric.real.FloatType;
import org.learnedrecon.solvers.ProgressMonitor;

/**
 * Random ellipse phantoms as used to train the learned primal-dual method (Adler and Öktem, IEEE TMI 2018, code
 * {@code random_phantom} / {@code random_ellipse}): the number of ellipses is Poisson with mean
 * {@code meanEllipses} (50 in the paper); each has intensity (U - 0.5) * Exp(mean 0.4), half-axes 0.2 * Exp(1),
 * centre uniform in [-1, 1]^2 (or [-0.5, 0.5]^2 for interior phantoms) and rotation uniform in [0, 2 pi).
 * Intensities add, so values are not confined to [0, 1]. The same seed always gives the same phantoms.
 */
public final class RandomEllipsesPhantom {

    private final Random random;
    private final double meanEllipses;
    private final boolean interior;

    /** A seeded generator; {@code interior} keeps centres in [-0.5, 0.5]^2. */
    public RandomEllipsesPhantom(long seed, double meanEllipses, boolean interior) {
        if (!(meanEllipses > 0) || meanEllipses > 500) {
            throw new IllegalArgumentException("Mean number of ellipses must be in (0, 500], got " + meanEllipses);
        }
        this.random = new Random(seed);
        this.meanEllipses = meanEllipses;
        this.interior = interior;
    }

    /** A seeded generator with the paper's settings: 50 ellipses on average, centres anywhere in [-1, 1]^2. */
    public RandomEllipsesPhantom(long seed) {
        this(seed, 50, false);
    }

    /** The ellipses of the next phantom. */
    public List<Ellipse> nextEllipses() {
        int count = poisson(meanEllipses);
        List<Ellipse> ellipses = new ArrayList<>(count);
        for (int k = 0; k < count; k++) {
            double intensity = (random.nextDouble() - 0.5) * exponential(0.4);
            double a = 0.2 * exponential(1.0);
            double b = 0.2 * exponential(1.0);
            double spread = interior ? 1.0 : 2.0;
            double x0 = spread * (random.nextDouble() - 0.5);
            double y0 = spread * (random.nextDouble() - 0.5);
            double angle = 2 * Math.PI * random.nextDouble();
            if (a > 0 && b > 0) {
                ellipses.add(new Ellipse(intensity, a, b, x0, y0, angle));
            }
        }
        return ellipses;
    }

    /** The next phantom on an n x n grid (row-major, grid convention of {@link EllipsePhantom}). */
    public float[] next(int n) {
        return EllipsePhantom.render(nextEllipses(), n);
    }

    /**
     * The next phantom on an n x n grid with its values clipped to [0, 1] (overlapping ellipses add up beyond it, and
     * negative intensities go below): the form the training corpus and the benchmark's ellipse set take.
     */
    public float[] nextClipped(int n) {
        float[] pixels = next(n);
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = Math.min(1f, Math.max(0f, pixels[i]));
        }
        return pixels;
    }

    /**
     * An (n, n, slices) stack of the next {@code slices} phantoms ((n, n) when slices = 1), reporting progress per
     * slice and stopping when {@code progress} is cancelled.
     */
    public PlanarImg<FloatType, FloatArray> nextStack(int n, int slices, ProgressMonitor progress) {
        if (slices < 1) {
            throw new IllegalArgumentException("Number of slices must be at least 1, got " + slices);
        }
        PlanarImg<FloatType, FloatArray> img = slices == 1 ? PlanarImgs.floats(n, n) : PlanarImgs.floats(n, n, slices);
        for (int s = 0; s < slices; s++) {
            progress.checkCancelled();
            float[] pixels = next(n);
            System.arraycopy(pixels, 0, img.getPlane(s).getCurrentStorageArray(), 0, pixels.length);
            progress.progress(s + 1, slices, "Random ellipse phantom " + (s + 1) + "/" + slices);
        }
        return img;
    }

    private double exponential(double mean) {
        return -mean * Math.log(1.0 - random.nextDouble());
    }

    /** Knuth's multiplication method; exact and fast enough for means up to a few hundred. */
    private int poisson(double mean) {
        double limit = Math.exp(-mean);
        double product = random.nextDouble();
        int k = 0;
        while (product > limit) {
            product *= random.nextDouble();
            k++;
        }
        return k;
    }
}
