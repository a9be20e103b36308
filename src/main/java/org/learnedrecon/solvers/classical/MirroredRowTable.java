package org.learnedrecon.solvers.classical;

import org.learnedrecon.physics.ct.CtGeometry;

/**
 * The filtered parallel-beam projections, times their angular weights, laid out for the back-projection kernel of
 * {@link ParallelBeamBackProjector}. Each angle has two rows of interleaved {@code (q[i], q[i+1] - q[i])} pairs, so
 * an interpolation reads one cache line and does one multiply-add:
 * <ul>
 *   <li>the forward row, indexed by the table coordinate {@code p = t / spacing + centre} ({@code t} the detector
 *       coordinate of the pixel, {@link #centre} the rotation axis shifted by the margin);</li>
 *   <li>the mirrored row {@code R(i) = Q(2 centre - i)}: linear interpolation of it at {@code p} equals that of the
 *       forward row at {@code 2 centre - p}, i.e. at {@code -t}. The pixel {@code (-x, -y)} has {@code -t}, so one
 *       position computed for {@code (x, y)} serves both. It needs {@code 2 centre} to be an integer (the rotation
 *       axis on a detector centre or half-way between two): {@link #mirrored} says whether it is.</li>
 * </ul>
 * Each row has {@link #margin} zero detectors on both sides so that every pixel's position falls inside the row and
 * the kernel needs no bounds tests. The detector is extended by zeros and interpolated linearly throughout, so within
 * one detector element outside the outer centres the interpolant ramps to zero, where {@code np.interp(left=0,
 * right=0)} (skimage) drops to zero at once; only pixels in those two bands (image corners with the default
 * detector) differ.
 */
final class MirroredRowTable {

    final int detectors;
    final int margin;
    /** Floats per row: two per table position. */
    final int stride;
    /** Angle {@code a}: forward row at {@code 2 a stride}, mirrored row at {@code (2 a + 1) stride}. */
    final float[] values;
    /** Table coordinate of the rotation axis: detector index {@code D/2 + offset} plus the margin. */
    final double centre;
    /** Whether {@code 2 centre} is an integer, so the mirrored rows are exact and filled. */
    final boolean mirrored;
    private final int doubledCentre;

    MirroredRowTable(CtGeometry g) {
        detectors = g.detectorCount();
        double c = g.imageSize() / 2;
        // farthest pixel-corner distance from the axis, in detector elements, plus the axis offset
        double reach = (c + 1) * Math.sqrt(2) / g.detectorSpacing() + Math.abs(g.centerOfRotationOffset());
        margin = (int) Math.max(0, Math.ceil(reach - detectors / 2 + 1)) + 2;
        stride = 2 * (detectors + 2 * margin);
        centre = detectors / 2 + g.centerOfRotationOffset() + margin;
        long twice = Math.round(2 * centre);
        mirrored = Math.abs(2 * centre - twice) < 1e-9;
        doubledCentre = (int) twice;
        values = new float[2 * g.angleCount() * stride];
    }

    int forwardRow(int angle) {
        return 2 * angle * stride;
    }

    int mirroredRow(int angle) {
        return (2 * angle + 1) * stride;
    }

    /**
     * Stores {@code weight * filtered[0 .. detectors)} as the rows of {@code angle}; thread-safe for distinct
     * angles. {@code filtered} is not modified.
     */
    void setRow(int angle, float[] filtered, float weight) {
        int forward = forwardRow(angle);
        int length = detectors + 2 * margin;
        for (int i = 0; i < length; i++) {
            float q = weight * value(filtered, i - margin);
            float next = weight * value(filtered, i + 1 - margin);
            values[forward + 2 * i] = q;
            values[forward + 2 * i + 1] = next - q;
        }
        if (mirrored) {
            int back = mirroredRow(angle);
            for (int i = 0; i < length; i++) {
                // R(i) = Q(2 centre - i), Q(j) = q(j - margin)
                float r = weight * value(filtered, doubledCentre - i - margin);
                float next = weight * value(filtered, doubledCentre - i - 1 - margin);
                values[back + 2 * i] = r;
                values[back + 2 * i + 1] = next - r;
            }
        }
    }

    private float value(float[] filtered, int detector) {
        return detector >= 0 && detector < detectors ? filtered[detector] : 0f;
    }
}
