package org.learnedrecon.acquisition;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import org.learnedrecon.physics.ct.CtGeometry;
import org.learnedrecon.physics.ct.CtGeometryKeys;
import org.learnedrecon.solvers.classical.ParkerWeights;

/**
 * The scan behind a sinogram as Reconstruct CT resolves it: the geometry from the {@code ct.*} keys of its Info with
 * the {@code angles=}, {@code range=}, {@code size=} values that override them ({@link CtGeometryKeys#ofSinogram}),
 * and what the user should be told about it: the parallel beam assumed when the Info holds no geometry, and a
 * fan-beam scan too short for complete data ({@link ParkerWeights#incompleteDataWarning}).
 *
 * @param assumption the line to log when the geometry was assumed, else {@code null}
 * @param warning the incomplete-data warning, else {@code null}
 */
public record SinogramScan(CtGeometry geometry, String assumption, String warning) {

    /**
     * @param rows the sinogram's height (one row per angle)
     * @param columns its width (one column per detector)
     * @throws IllegalArgumentException naming the sinogram when the geometry is missing or does not fit its size
     */
    public static SinogramScan of(String title, Map<String, String> metadata, int rows, int columns, int angles,
            double rangeDegrees, int imageSize) {
        CtGeometry g = CtGeometryKeys.ofSinogram(title, metadata, rows, columns, angles, rangeDegrees, imageSize);
        return new SinogramScan(g, metadata.containsKey(CtGeometry.KEY_GEOMETRY) ? null : assumedGeometry(title, g),
            ParkerWeights.incompleteDataWarning(title, g));
    }

    /** Gives the assumption to {@code info} and the warning to {@code warn}, each when there is one. */
    public void report(Consumer<String> info, Consumer<String> warn) {
        if (assumption != null) {
            info.accept(assumption);
        }
        if (warning != null) {
            warn.accept(warning);
        }
    }

    private static String assumedGeometry(String title, CtGeometry g) {
        String stored = g.toProperties().get(CtGeometry.KEY_ANGLE_RANGE);
        String range = stored == null ? "?" : new BigDecimal(Double.parseDouble(stored))
            .setScale(4, RoundingMode.HALF_UP).stripTrailingZeros().toPlainString();
        return String.format(Locale.ROOT, "Reconstruct CT: no ct.* geometry in the Info of sinogram '%s'; assumed"
            + " parallel beam, %d angles over %s degrees, %d detectors, image %d x %d", title, g.angleCount(), range,
            g.detectorCount(), g.imageSize(), g.imageSize());
    }
}
