package org.learnedrecon.physics.ct;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** Reading and writing of the {@code ct.*} keys shared by the geometries (package-private). */
final class GeometryProperties {

    private GeometryProperties() {
    }

    static String require(Map<String, String> p, String key) {
        String v = p.get(key);
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException("CT geometry property '" + key + "' is missing");
        }
        return v.trim();
    }

    static double number(Map<String, String> p, String key, double fallback) {
        String v = p.get(key);
        if (v == null || v.isBlank()) {
            return fallback;
        }
        try {
            return Double.parseDouble(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("CT geometry property '" + key + "'='" + v + "' is not a number", e);
        }
    }

    static int integer(Map<String, String> p, String key) {
        String v = require(p, key);
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("CT geometry property '" + key + "'='" + v + "' is not an integer", e);
        }
    }

    /** Full double precision, locale independent. */
    static String format(double v) {
        return Double.toString(v);
    }

    /** Writes the image size, angles and detector keys common to all geometries. */
    static Map<String, String> common(String kind, CtGeometry g) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put(CtGeometry.KEY_GEOMETRY, kind);
        p.put(CtGeometry.KEY_IMAGE_SIZE, Integer.toString(g.imageSize()));
        double[] a = g.angles();
        p.put(CtGeometry.KEY_ANGLE_COUNT, Integer.toString(a.length));
        double step = a.length > 1 ? (a[a.length - 1] - a[0]) / (a.length - 1) : 0;
        boolean uniform = a.length > 1;
        for (int i = 0; i < a.length && uniform; i++) {
            uniform = Math.abs(a[i] - (a[0] + i * step)) <= 1e-12 * Math.max(1, Math.abs(a[i]));
        }
        if (uniform) {
            // Uniform angles are written as start + i * range / count (range end excluded, like
            // np.linspace(start, start + range, count, endpoint=False)).
            p.put(CtGeometry.KEY_ANGLE_START, format(Math.toDegrees(a[0])));
            p.put(CtGeometry.KEY_ANGLE_RANGE, format(Math.toDegrees(step * a.length)));
        } else {
            StringBuilder list = new StringBuilder();
            for (int i = 0; i < a.length; i++) {
                list.append(i == 0 ? "" : ",").append(format(Math.toDegrees(a[i])));
            }
            p.put(CtGeometry.KEY_ANGLE_LIST, list.toString());
        }
        p.put(CtGeometry.KEY_DETECTORS, Integer.toString(g.detectorCount()));
        p.put(CtGeometry.KEY_DETECTOR_SPACING, format(g.detectorSpacing()));
        p.put(CtGeometry.KEY_COR_OFFSET, format(g.centerOfRotationOffset()));
        return p;
    }

    /** Angles in radians from either the explicit list or start/range/count. */
    static double[] angles(Map<String, String> p) {
        int count = integer(p, CtGeometry.KEY_ANGLE_COUNT);
        String list = p.get(CtGeometry.KEY_ANGLE_LIST);
        double[] a = new double[count];
        if (list != null && !list.isBlank()) {
            String[] parts = list.split(",");
            if (parts.length != count) {
                throw new IllegalArgumentException("CT geometry property '" + CtGeometry.KEY_ANGLE_LIST + "' lists "
                    + parts.length + " angles but '" + CtGeometry.KEY_ANGLE_COUNT + "' is " + count);
            }
            for (int i = 0; i < count; i++) {
                a[i] = Math.toRadians(Double.parseDouble(parts[i].trim()));
            }
            return a;
        }
        double start = number(p, CtGeometry.KEY_ANGLE_START, 0);
        double range = number(p, CtGeometry.KEY_ANGLE_RANGE, 180);
        for (int i = 0; i < count; i++) {
            a[i] = Math.toRadians(start + i * range / count);
        }
        return a;
    }

    static String lower(String s) {
        return s.trim().toLowerCase(Locale.ROOT);
    }
}
