package org.learnedrecon.physics.mri;

import java.util.Random;

/**
 * fastMRI-style line sampling: a fully sampled band of {@code numLow = round(W * centerFraction)} central columns,
 * starting at {@code (W - numLow + 1) / 2} so that it covers the DC column {@code W / 2}, plus outer lines chosen by
 * the subclass with {@code java.util.Random(seed)}.
 */
abstract class CentredLineSampling implements SamplingPattern {

    protected final double acceleration;
    protected final double centerFraction;

    CentredLineSampling(double acceleration, double centerFraction) {
        if (!(acceleration >= 1)) {
            throw new IllegalArgumentException("Acceleration must be at least 1, got " + acceleration);
        }
        if (!(centerFraction > 0 && centerFraction <= 1)) {
            throw new IllegalArgumentException("Centre fraction must be in (0, 1], got " + centerFraction);
        }
        if (centerFraction > 1 / acceleration) {
            throw new IllegalArgumentException("Centre fraction " + centerFraction + " alone samples more than 1/"
                + acceleration + " of the lines: lower it or the acceleration");
        }
        this.acceleration = acceleration;
        this.centerFraction = centerFraction;
    }

    @Override
    public double targetAcceleration() {
        return acceleration;
    }

    @Override
    public SamplingMask generate(int height, int width, long seed) {
        int numLow = (int) Math.round(width * centerFraction);
        if (numLow < 1) {
            throw new IllegalArgumentException("Centre fraction " + centerFraction + " of " + width
                + " columns is no line: raise it");
        }
        if (numLow >= width / acceleration && acceleration > 1) {
            throw new IllegalArgumentException("The " + numLow + " centre lines of " + width
                + " already exceed 1/" + acceleration + " of the lines");
        }
        boolean[] columns = new boolean[width];
        addOuterLines(columns, numLow, new Random(seed));
        int pad = (width - numLow + 1) / 2;
        for (int w = pad; w < pad + numLow; w++) {
            columns[w] = true;
        }
        return SamplingMask.ofColumns(height, columns);
    }

    /** Marks the lines outside the centre band (the band is set afterwards and may overlap). */
    abstract void addOuterLines(boolean[] columns, int numLow, Random random);
}
