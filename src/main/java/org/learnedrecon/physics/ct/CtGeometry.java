package org.learnedrecon.physics.ct;

import ai.djl.ndarray.types.Shape;
import java.util.Locale;
import java.util.Map;

/**
 * Acquisition geometry of a 2-D CT scan of an {@code N x N} image.
 *
 * <p><b>Conventions</b> (chosen to match scikit-image {@code radon(image, theta=degrees, circle=False)}):
 * <ul>
 *   <li>Length unit = one image pixel. Pixel {@code (row, col)} has its centre at {@code x = col - N/2},
 *       {@code y = row - N/2} (integer division, so the rotation centre is the centre of pixel
 *       {@code (N/2, N/2)} as in skimage); {@code y} points down the image rows.</li>
 *   <li>For projection angle {@code theta} the detector axis is {@code e_t = (cos theta, -sin theta)} and rays
 *       travel along {@code e_u = (sin theta, cos theta)}: a parallel ray at detector coordinate {@code t}
 *       integrates the points with {@code x cos theta - y sin theta = t}. With {@code y} pointing up this is the
 *       usual {@code t = x cos theta + y sin theta}, angles counter-clockwise.</li>
 *   <li>Detector index {@code d} sits at {@code t = (d - D/2 - corOffset) * spacing} (integer {@code D/2}): the
 *       rotation axis projects onto detector index {@code D/2 + corOffset}.</li>
 *   <li>The sinogram is an image of {@code angleCount} rows by {@code detectorCount} columns, i.e. tensor shape
 *       {@code (angles, detectors)} (the transpose of skimage's {@code (detectors, angles)}).</li>
 * </ul>
 */
public interface CtGeometry {

    /** Property key naming the geometry kind: {@code parallel} or {@code fan}. */
    String KEY_GEOMETRY = "ct.geometry";
    String KEY_IMAGE_SIZE = "ct.image.size";
    String KEY_ANGLE_COUNT = "ct.angles.count";
    String KEY_ANGLE_START = "ct.angles.start.deg";
    String KEY_ANGLE_RANGE = "ct.angles.range.deg";
    /** Explicit comma-separated angle list in degrees, written when the angles are not uniformly spaced. */
    String KEY_ANGLE_LIST = "ct.angles.deg";
    String KEY_DETECTORS = "ct.detectors";
    String KEY_DETECTOR_SPACING = "ct.detector.spacing";
    String KEY_COR_OFFSET = "ct.cor.offset";
    String KEY_SOURCE_DISTANCE = "ct.fan.source.distance";
    String KEY_DETECTOR_DISTANCE = "ct.fan.detector.distance";
    String KEY_DETECTOR_SHAPE = "ct.fan.detector.shape";

    /** Side {@code N} of the square image. */
    int imageSize();

    /** Projection angles in radians (a copy); any list, e.g. sparse-view or limited-angle. */
    double[] angles();

    int angleCount();

    int detectorCount();

    /** Distance between detector centres, in image pixels (fan-beam: see {@link FanBeamGeometry}). */
    double detectorSpacing();

    /** Detector index of the rotation axis minus {@code detectorCount / 2}, in detector elements. */
    double centerOfRotationOffset();

    /**
     * The line measured by detector {@code detector} at angle {@code angle}: writes a point {@code (x, y)} on it
     * and its unit direction {@code (vx, vy)} into {@code out[0..3]}, in the centred image coordinates above.
     * For fan beams the point is the source, and only the part of the line beyond it is measured.
     */
    void ray(int angle, int detector, double[] out);

    /** {@code (N, N)}. */
    default Shape imageShape() {
        return new Shape(imageSize(), imageSize());
    }

    /** {@code (angles, detectors)}. */
    default Shape sinogramShape() {
        return new Shape(angleCount(), detectorCount());
    }

    /** The geometry as {@code ct.*} key/value pairs, e.g. to store in a TIFF's Info text with the sinogram. */
    Map<String, String> toProperties();

    /** Reads a geometry written by {@link #toProperties()}; unknown keys are ignored. */
    static CtGeometry fromProperties(Map<String, String> properties) {
        String kind = GeometryProperties.require(properties, KEY_GEOMETRY).trim().toLowerCase(Locale.ROOT);
        switch (kind) {
            case ParallelBeamGeometry.KIND:
                return ParallelBeamGeometry.fromProperties(properties);
            case FanBeamGeometry.KIND:
                return FanBeamGeometry.fromProperties(properties);
            default:
                throw new IllegalArgumentException("Unknown " + KEY_GEOMETRY + "='" + kind
                    + "': expected 'parallel' or 'fan'");
        }
    }
}
