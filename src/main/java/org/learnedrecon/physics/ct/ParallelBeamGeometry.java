package org.learnedrecon.physics.ct;

import java.util.Map;

/**
 * Parallel-beam geometry (conventions in {@link CtGeometry}). With the defaults of
 * {@link #uniform(int, int, double)} the sinogram equals (up to interpolation differences) the transpose of
 * scikit-image's {@code radon(image, theta=np.linspace(0, range, count, endpoint=False), circle=False)}:
 * {@code ceil(N * sqrt 2)} detectors of spacing 1, rotation axis on detector {@code D/2}.
 */
public final class ParallelBeamGeometry extends CircularScanGeometry {

    static final String KIND = "parallel";

    /**
     * @param imageSize side {@code N} of the image
     * @param angles projection angles in radians
     * @param detectorCount number of detector elements {@code D}
     * @param detectorSpacing detector element pitch in image pixels
     * @param corOffset detector index of the rotation axis minus {@code D/2}
     */
    public ParallelBeamGeometry(int imageSize, double[] angles, int detectorCount, double detectorSpacing,
                                double corOffset) {
        super(imageSize, angles, detectorCount, detectorSpacing, corOffset);
    }

    /** {@code angleCount} angles {@code i * range / count} degrees and skimage's {@code ceil(N sqrt 2)} detectors. */
    public static ParallelBeamGeometry uniform(int imageSize, int angleCount, double rangeDegrees) {
        return new ParallelBeamGeometry(imageSize, uniformAngles(angleCount, 0, rangeDegrees),
            defaultDetectorCount(imageSize), 1.0, 0.0);
    }

    /** Parallel beam with the given angles (radians) and skimage's default detector. */
    public static ParallelBeamGeometry withAngles(int imageSize, double[] angles) {
        return new ParallelBeamGeometry(imageSize, angles, defaultDetectorCount(imageSize), 1.0, 0.0);
    }

    /** {@code ceil(N sqrt 2)}: every line through the image hits the detector, as in skimage's {@code circle=False}. */
    /** The scan of this one's views {@code views} (indices into {@link #angles()}), same detector and axis. */
    public ParallelBeamGeometry ofViews(int[] views) {
        double[] all = angles();
        return new ParallelBeamGeometry(imageSize(), java.util.Arrays.stream(views).mapToDouble(v -> all[v])
            .toArray(), detectorCount(), detectorSpacing(), centerOfRotationOffset());
    }

    public static int defaultDetectorCount(int imageSize) {
        return (int) Math.ceil(imageSize * Math.sqrt(2));
    }

    /** This geometry with a different centre-of-rotation offset. */
    public ParallelBeamGeometry withCenterOfRotationOffset(double offset) {
        return new ParallelBeamGeometry(imageSize, angles, detectorCount, detectorSpacing, offset);
    }

    @Override
    public void ray(int angle, int detector, double[] out) {
        double t = detectorOffset(detector) * detectorSpacing;
        double c = cos[angle];
        double s = sin[angle];
        out[0] = t * c;
        out[1] = -t * s;
        out[2] = s;
        out[3] = c;
    }

    @Override
    public Map<String, String> toProperties() {
        return GeometryProperties.common(KIND, this);
    }

    static ParallelBeamGeometry fromProperties(Map<String, String> p) {
        int n = GeometryProperties.integer(p, KEY_IMAGE_SIZE);
        int detectors = p.containsKey(KEY_DETECTORS) ? GeometryProperties.integer(p, KEY_DETECTORS)
            : defaultDetectorCount(n);
        return new ParallelBeamGeometry(n, GeometryProperties.angles(p), detectors,
            GeometryProperties.number(p, KEY_DETECTOR_SPACING, 1.0), GeometryProperties.number(p, KEY_COR_OFFSET, 0));
    }

    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT, "parallel beam, %dx%d image, %d angles, %d detectors x %.4g px,"
            + " COR offset %.4g", imageSize, imageSize, angles.length, detectorCount, detectorSpacing, corOffset);
    }
}
