package org.learnedrecon.physics.ct;

import java.util.Locale;
import java.util.Map;

/**
 * Fan-beam geometry (conventions in {@link CtGeometry}). At angle {@code theta} the source sits at
 * {@code -sourceDistance * e_u} and the detector centre at {@code +detectorDistance * e_u}, so the central ray
 * runs along {@code e_u = (sin theta, cos theta)} like the parallel rays of the same angle.
 *
 * <p>Detector coordinate {@code s = (d - D/2 - corOffset) * spacing} is measured on the detector itself:
 * <ul>
 *   <li>{@link DetectorShape#FLAT}: a line at distance {@code detectorDistance} from the origin; {@code s} is the
 *       distance from the central ray along {@code e_t}.</li>
 *   <li>{@link DetectorShape#EQUIANGULAR}: an arc of radius {@code sourceDistance + detectorDistance} centred on
 *       the source; {@code s} is arc length, i.e. the fan angle of element {@code d} is
 *       {@code gamma = s / (sourceDistance + detectorDistance)}.</li>
 * </ul>
 * The source must lie outside the circle circumscribing the image.
 */
public final class FanBeamGeometry extends CircularScanGeometry {

    static final String KIND = "fan";

    /** Shape of the detector. */
    public enum DetectorShape {
        FLAT, EQUIANGULAR;

        static DetectorShape parse(String text) {
            String t = GeometryProperties.lower(text);
            for (DetectorShape s : values()) {
                if (s.name().toLowerCase(Locale.ROOT).equals(t)) {
                    return s;
                }
            }
            throw new IllegalArgumentException("Unknown fan-beam detector shape '" + text
                + "': expected 'flat' or 'equiangular'");
        }
    }

    private final double sourceDistance;
    private final double detectorDistance;
    private final DetectorShape shape;

    /**
     * @param sourceDistance source-to-rotation-axis distance in image pixels
     * @param detectorDistance rotation-axis-to-detector distance in image pixels
     */
    public FanBeamGeometry(int imageSize, double[] angles, int detectorCount, double detectorSpacing,
                           double corOffset, double sourceDistance, double detectorDistance, DetectorShape shape) {
        super(imageSize, angles, detectorCount, detectorSpacing, corOffset);
        double radius = imageSize / 2 * Math.sqrt(2) + 1;
        if (!(sourceDistance > radius) || Double.isInfinite(sourceDistance)) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "Fan-beam source distance %.4g px must"
                + " exceed the radius of the circle around the %dx%d image (%.4g px)", sourceDistance, imageSize,
                imageSize, radius));
        }
        if (!(detectorDistance >= 0) || Double.isInfinite(detectorDistance)) {
            throw new IllegalArgumentException("Fan-beam detector distance must be >= 0, got " + detectorDistance);
        }
        this.sourceDistance = sourceDistance;
        this.detectorDistance = detectorDistance;
        this.shape = shape;
        if (shape == DetectorShape.EQUIANGULAR
            && (detectorCount / 2 + Math.abs(corOffset) + 1) * detectorSpacing / sourceToDetector() >= Math.PI / 2) {
            throw new IllegalArgumentException("Equiangular fan wider than 180 degrees: reduce detector count or"
                + " spacing");
        }
    }

    /**
     * A full 360-degree scan with {@code angleCount} uniform angles and a detector whose elements are one image
     * pixel wide at the rotation axis (spacing = magnification) and which covers the whole image.
     */
    public static FanBeamGeometry uniform360(int imageSize, int angleCount, double sourceDistance,
                                             double detectorDistance, DetectorShape shape) {
        double sdd = sourceDistance + detectorDistance;
        double spacing = sdd / sourceDistance;
        double radius = imageSize / 2 * Math.sqrt(2) + 1;
        if (!(sourceDistance > radius)) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "Fan-beam source distance %.4g px must"
                + " exceed the radius of the circle around the %dx%d image (%.4g px)", sourceDistance, imageSize,
                imageSize, radius));
        }
        double halfFan = Math.asin(radius / sourceDistance);
        double sMax = shape == DetectorShape.FLAT ? sdd * Math.tan(halfFan) : sdd * halfFan;
        int count = 2 * (int) Math.ceil(sMax / spacing) + 1;
        return new FanBeamGeometry(imageSize, uniformAngles(angleCount, 0, 360), count, spacing, 0,
            sourceDistance, detectorDistance, shape);
    }

    public double sourceDistance() {
        return sourceDistance;
    }

    public double detectorDistance() {
        return detectorDistance;
    }

    public double sourceToDetector() {
        return sourceDistance + detectorDistance;
    }

    public DetectorShape detectorShape() {
        return shape;
    }

    @Override
    public void ray(int angle, int detector, double[] out) {
        double c = cos[angle];
        double s = sin[angle];
        // e_u = (s, c), e_t = (c, -s)
        double along;
        double across;
        double pos = detectorOffset(detector) * detectorSpacing;
        if (shape == DetectorShape.FLAT) {
            double norm = Math.hypot(sourceToDetector(), pos);
            along = sourceToDetector() / norm;
            across = pos / norm;
        } else {
            double gamma = pos / sourceToDetector();
            along = Math.cos(gamma);
            across = Math.sin(gamma);
        }
        out[0] = -sourceDistance * s;
        out[1] = -sourceDistance * c;
        out[2] = along * s + across * c;
        out[3] = along * c - across * s;
    }

    @Override
    public Map<String, String> toProperties() {
        Map<String, String> p = GeometryProperties.common(KIND, this);
        p.put(KEY_SOURCE_DISTANCE, GeometryProperties.format(sourceDistance));
        p.put(KEY_DETECTOR_DISTANCE, GeometryProperties.format(detectorDistance));
        p.put(KEY_DETECTOR_SHAPE, shape.name().toLowerCase(Locale.ROOT));
        return p;
    }

    static FanBeamGeometry fromProperties(Map<String, String> p) {
        return new FanBeamGeometry(GeometryProperties.integer(p, KEY_IMAGE_SIZE), GeometryProperties.angles(p),
            GeometryProperties.integer(p, KEY_DETECTORS), GeometryProperties.number(p, KEY_DETECTOR_SPACING, 1.0),
            GeometryProperties.number(p, KEY_COR_OFFSET, 0),
            Double.parseDouble(GeometryProperties.require(p, KEY_SOURCE_DISTANCE)),
            Double.parseDouble(GeometryProperties.require(p, KEY_DETECTOR_DISTANCE)),
            DetectorShape.parse(GeometryProperties.require(p, KEY_DETECTOR_SHAPE)));
    }

    @Override
    public boolean equals(Object o) {
        if (!super.equals(o)) {
            return false;
        }
        FanBeamGeometry g = (FanBeamGeometry) o;
        return sourceDistance == g.sourceDistance && detectorDistance == g.detectorDistance && shape == g.shape;
    }

    @Override
    public int hashCode() {
        return 31 * super.hashCode() + shape.hashCode();
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "fan beam (%s detector), %dx%d image, %d angles, %d detectors x %.4g,"
            + " source %.4g px, detector %.4g px, COR offset %.4g", shape.name().toLowerCase(Locale.ROOT),
            imageSize, imageSize, angles.length, detectorCount, detectorSpacing, sourceDistance, detectorDistance,
            corOffset);
    }
}
