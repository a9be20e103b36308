package org.learnedrecon.physics.ct;

import java.util.Arrays;

/** Fields and checks shared by the parallel and fan geometries: a source/detector pair rotating about the image. */
abstract class CircularScanGeometry implements CtGeometry {

    final int imageSize;
    final double[] angles;
    final int detectorCount;
    final double detectorSpacing;
    final double corOffset;
    /** {@code cos}/{@code sin} of each angle, computed once for the projectors. */
    final double[] cos;
    final double[] sin;

    CircularScanGeometry(int imageSize, double[] angles, int detectorCount, double detectorSpacing,
                         double corOffset) {
        if (imageSize < 1) {
            throw new IllegalArgumentException("Image size must be at least 1 pixel, got " + imageSize);
        }
        if (angles == null || angles.length == 0) {
            throw new IllegalArgumentException("A CT geometry needs at least one projection angle");
        }
        if (detectorCount < 1) {
            throw new IllegalArgumentException("Detector count must be at least 1, got " + detectorCount);
        }
        if (!(detectorSpacing > 0) || Double.isInfinite(detectorSpacing)) {
            throw new IllegalArgumentException("Detector spacing must be positive and finite, got " + detectorSpacing);
        }
        if (!Double.isFinite(corOffset)) {
            throw new IllegalArgumentException("Centre-of-rotation offset must be finite, got " + corOffset);
        }
        for (double a : angles) {
            if (!Double.isFinite(a)) {
                throw new IllegalArgumentException("Projection angles must be finite, got " + a);
            }
        }
        this.imageSize = imageSize;
        this.angles = angles.clone();
        this.detectorCount = detectorCount;
        this.detectorSpacing = detectorSpacing;
        this.corOffset = corOffset;
        this.cos = new double[angles.length];
        this.sin = new double[angles.length];
        for (int i = 0; i < angles.length; i++) {
            cos[i] = Math.cos(angles[i]);
            sin[i] = Math.sin(angles[i]);
        }
    }

    /** Uniform angles {@code start + i * range / count}, range end excluded, in radians. */
    static double[] uniformAngles(int count, double startDegrees, double rangeDegrees) {
        if (count < 1) {
            throw new IllegalArgumentException("Angle count must be at least 1, got " + count);
        }
        double[] a = new double[count];
        for (int i = 0; i < count; i++) {
            a[i] = Math.toRadians(startDegrees + i * rangeDegrees / count);
        }
        return a;
    }

    /** Detector coordinate (before scaling by the spacing) of detector {@code d}, see {@link CtGeometry}. */
    final double detectorOffset(int d) {
        return d - detectorCount / 2 - corOffset;
    }

    @Override
    public int imageSize() {
        return imageSize;
    }

    @Override
    public double[] angles() {
        return angles.clone();
    }

    @Override
    public int angleCount() {
        return angles.length;
    }

    @Override
    public int detectorCount() {
        return detectorCount;
    }

    @Override
    public double detectorSpacing() {
        return detectorSpacing;
    }

    @Override
    public double centerOfRotationOffset() {
        return corOffset;
    }

    @Override
    public boolean equals(Object o) {
        if (o == null || o.getClass() != getClass()) {
            return false;
        }
        CircularScanGeometry g = (CircularScanGeometry) o;
        return imageSize == g.imageSize && Arrays.equals(angles, g.angles) && detectorCount == g.detectorCount
            && detectorSpacing == g.detectorSpacing && corOffset == g.corOffset;
    }

    /**
     * True when {@code other} describes the same scan up to rounding: same class, sizes and detector, and every
     * angle within {@code angleTolerance} radians. Geometries read back from text (a TIFF's Info stores the range in
     * degrees) differ from freshly built ones in the last bits, which must not make a model "not fit".
     */
    public boolean sameScan(CtGeometry other, double angleTolerance) {
        if (other == null || other.getClass() != getClass()) {
            return false;
        }
        CircularScanGeometry g = (CircularScanGeometry) other;
        if (imageSize != g.imageSize || detectorCount != g.detectorCount || angles.length != g.angles.length
            || Math.abs(detectorSpacing - g.detectorSpacing) > 1e-9 || Math.abs(corOffset - g.corOffset) > 1e-9) {
            return false;
        }
        for (int i = 0; i < angles.length; i++) {
            if (Math.abs(angles[i] - g.angles[i]) > angleTolerance) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        return 31 * (31 * imageSize + Arrays.hashCode(angles)) + detectorCount;
    }
}
