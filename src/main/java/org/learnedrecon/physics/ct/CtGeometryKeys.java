package org.learnedrecon.physics.ct;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Geometries from the values a user types (macro keys {@code geometry=}, {@code angles=}, {@code range=},
 * {@code detectors=}, {@code source=}, {@code detector=}, {@code shape=}), and the geometry of a sinogram read
 * from its metadata with optional overrides. A value of 0 always means "default" or "keep".
 */
public final class CtGeometryKeys {

    private CtGeometryKeys() {
    }

    /**
     * Parallel beam with {@code angles} uniform angles {@code i * range / angles} degrees.
     *
     * @param detectors detector count, or 0 for {@link ParallelBeamGeometry#defaultDetectorCount}
     */
    public static ParallelBeamGeometry parallel(int imageSize, int angles, double rangeDegrees, int detectors) {
        checkAngles(angles, rangeDegrees);
        int d = detectors > 0 ? detectors : ParallelBeamGeometry.defaultDetectorCount(imageSize);
        return new ParallelBeamGeometry(imageSize, CircularScanGeometry.uniformAngles(angles, 0, rangeDegrees), d,
            1.0, 0.0);
    }

    /**
     * Fan beam with uniform angles over {@code rangeDegrees} (complete data for FBP needs 360 or a short scan of
     * at least 180 degrees plus the fan angle) and, unless {@code detectors > 0}, the detector of
     * {@link FanBeamGeometry#uniform360}: elements one image pixel wide at the rotation axis, covering the image.
     *
     * @param sourceDistance source-to-axis distance in pixels
     * @param detectorDistance axis-to-detector distance in pixels
     * @param shape {@code Flat} or {@code Equiangular}
     */
    public static FanBeamGeometry fan(int imageSize, int angles, double rangeDegrees, int detectors,
                                      double sourceDistance, double detectorDistance, String shape) {
        checkAngles(angles, rangeDegrees);
        FanBeamGeometry.DetectorShape s = FanBeamGeometry.DetectorShape.parse(shape);
        FanBeamGeometry full = FanBeamGeometry.uniform360(imageSize, angles, sourceDistance, detectorDistance, s);
        return new FanBeamGeometry(imageSize, CircularScanGeometry.uniformAngles(angles, 0, rangeDegrees),
            detectors > 0 ? detectors : full.detectorCount(), full.detectorSpacing(), 0, sourceDistance,
            detectorDistance, s);
    }

    /**
     * The geometry of a sinogram of {@code rows} angles by {@code columns} detectors: the {@code ct.*} keys of
     * {@code metadata} ({@link CtGeometry#toProperties()}), with {@code angles}, {@code rangeDegrees} and
     * {@code imageSize} replacing the stored values when positive. Without stored geometry, {@code angles} must be
     * given and a parallel beam over {@code rangeDegrees} (default 180) with {@code columns} detectors and, unless
     * given, the largest image whose default detector count fits ({@code floor(columns / sqrt 2)}) is assumed.
     *
     * @throws IllegalArgumentException naming the sinogram when the geometry is missing or its size does not match
     */
    public static CtGeometry ofSinogram(String title, Map<String, String> metadata, int rows, int columns,
                                        int angles, double rangeDegrees, int imageSize) {
        Map<String, String> p = new LinkedHashMap<>();
        metadata.forEach((k, v) -> {
            if (k.startsWith("ct.")) {
                p.put(k, v);
            }
        });
        if (!p.containsKey(CtGeometry.KEY_GEOMETRY)) {
            if (angles <= 0) {
                throw new IllegalArgumentException("Sinogram '" + title + "' has no CT geometry in its metadata"
                    + " (Info): set angles= and range= (and size= for the image side) to reconstruct it as a parallel"
                    + " beam, or re-simulate it with Simulate CT Acquisition");
            }
            p.put(CtGeometry.KEY_GEOMETRY, ParallelBeamGeometry.KIND);
            p.put(CtGeometry.KEY_DETECTORS, Integer.toString(columns));
            p.put(CtGeometry.KEY_IMAGE_SIZE, Integer.toString((int) Math.floor(columns / Math.sqrt(2))));
        }
        if (angles > 0) {
            p.put(CtGeometry.KEY_ANGLE_COUNT, Integer.toString(angles));
            p.remove(CtGeometry.KEY_ANGLE_LIST);
        }
        if (rangeDegrees > 0) {
            p.put(CtGeometry.KEY_ANGLE_RANGE, GeometryProperties.format(rangeDegrees));
            p.put(CtGeometry.KEY_ANGLE_START, "0");
            p.remove(CtGeometry.KEY_ANGLE_LIST);
        }
        if (imageSize > 0) {
            p.put(CtGeometry.KEY_IMAGE_SIZE, Integer.toString(imageSize));
        }
        CtGeometry g = CtGeometry.fromProperties(p);
        if (g.angleCount() != rows || g.detectorCount() != columns) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "Sinogram '%s' is %d detectors wide and %d"
                + " angles high, but its geometry has %d angles and %d detectors: check angles= (one row per"
                + " angle) or re-simulate", title, columns, rows, g.angleCount(), g.detectorCount()));
        }
        return g;
    }

    private static void checkAngles(int angles, double rangeDegrees) {
        if (angles < 1) {
            throw new IllegalArgumentException("angles=" + angles + " must be at least 1");
        }
        if (!(rangeDegrees > 0) || rangeDegrees > 360) {
            throw new IllegalArgumentException("range=" + rangeDegrees + " must be in (0, 360] degrees");
        }
    }
}
