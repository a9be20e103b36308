package org.learnedrecon.physics.mri;

import java.util.Random;

/**
 * fastMRI's {@code EquispacedMaskFractionFunc}: the fully sampled central band of {@link RandomLineSampling} plus
 * columns {@code round(offset + j * s)} with the spacing {@code s = acceleration (numLow - W) / (numLow
 * acceleration - W)} chosen so that the total acceleration is {@code acceleration}; the offset in {@code [0, s)}
 * is drawn with {@code java.util.Random(seed)}.
 */
public final class EquispacedLineSampling implements SamplingPattern {

    private final double acceleration;
    private final double centerFraction;

    public EquispacedLineSampling(double acceleration, double centerFraction) {
        LineSamplingChecks.check(acceleration, centerFraction);
        this.acceleration = acceleration;
        this.centerFraction = centerFraction;
    }

    @Override
    public double targetAcceleration() {
        return acceleration;
    }

    @Override
    public SamplingMask generate(int height, int width, long seed) {
        int numLow = LineSamplingChecks.centreLines(width, centerFraction, acceleration);
        double spacing = acceleration * (numLow - width) / (numLow * acceleration - width);
        boolean[] columns = new boolean[width];
        int pad = (width - numLow + 1) / 2;
        for (int w = pad; w < pad + numLow; w++) {
            columns[w] = true;
        }
        double offset = new Random(seed).nextDouble() * spacing;
        for (double pos = offset; Math.round(pos) < width; pos += spacing) {
            columns[(int) Math.round(pos)] = true;
        }
        return SamplingMask.ofColumns(height, columns);
    }
}
