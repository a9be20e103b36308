package org.learnedrecon.io;

import java.util.Arrays;
import net.imglib2.RandomAccessibleInterval;
import net.imglib2.type.numeric.real.FloatType;
import net.imglib2.view.Views;

/**
 * Checks commands make on their input images before any work, each failing with a message that names the image
 * and the problem.
 */
public final class ImageRequirements {

    private ImageRequirements() {
    }

    /** At least {@code minWidth x minHeight} pixels per slice. */
    public static void requireSize(MetadataImage image, int minWidth, int minHeight, String what) {
        RandomAccessibleInterval<FloatType> img = image.image();
        long w = img.dimension(0);
        long h = img.numDimensions() > 1 ? img.dimension(1) : 1;
        if (w < minWidth || h < minHeight) {
            throw new IllegalArgumentException("Image '" + image.title() + "' is " + w + " x " + h + " pixels: "
                + what + " needs at least " + minWidth + " x " + minHeight);
        }
    }

    /** Every pixel finite; the first NaN or infinity is reported with its position. */
    public static void requireFinite(MetadataImage image) {
        var cursor = Views.flatIterable(image.image()).localizingCursor();
        while (cursor.hasNext()) {
            float v = cursor.next().get();
            if (!Float.isFinite(v)) {
                throw nonFinite(image.title(), v, cursor.positionAsLongArray());
            }
        }
    }

    /** The error for a non-finite pixel {@code value} at {@code position} (x, y, slice...) of image {@code title}. */
    static IllegalArgumentException nonFinite(String title, float value, long[] position) {
        return new IllegalArgumentException("Image '" + title + "' has a " + (Float.isNaN(value) ? "NaN"
            : "infinite") + " pixel at " + Arrays.toString(position) + " (x, y, slice...): replace"
            + " non-finite values first (e.g. Process>Math>Remove NaNs)");
    }

    /**
     * A reference image for metrics: finite, {@code width x height} pixels and {@code slices} slices, like the
     * reconstruction it is compared with; nothing to check when {@code reference} is null (none was given).
     */
    public static void requireReference(MetadataImage reference, long width, long height, int slices) {
        if (reference == null) {
            return;
        }
        requireFinite(reference);
        RandomAccessibleInterval<FloatType> img = reference.image();
        if (img.numDimensions() < 2 || img.dimension(0) != width || img.dimension(1) != height
            || slices(reference) != slices) {
            throw new IllegalArgumentException("Reference '" + reference.title() + "' is "
                + Arrays.toString(img.dimensionsAsLongArray()) + " but the reconstruction is " + width + " x "
                + height + " x " + slices + " (x, y, slices)");
        }
    }

    /** Number of 2-D slices (product of the dimensions beyond x and y). */
    public static int slices(MetadataImage image) {
        long b = 1;
        for (int d = 2; d < image.image().numDimensions(); d++) {
            b *= image.image().dimension(d);
        }
        return Math.toIntExact(b);
    }
}
