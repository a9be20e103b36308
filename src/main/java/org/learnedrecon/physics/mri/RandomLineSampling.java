package org.learnedrecon.physics.mri;

import java.util.Random;

/**
 * fastMRI's {@code RandomMaskFunc}: a fully sampled band of {@code round(W * centerFraction)} central columns plus
 * every other column independently with probability {@code (W / acceleration - numLow) / (W - numLow)}, so the
 * expected acceleration is {@code acceleration}. The band starts at {@code (W - numLow + 1) / 2}, covering the DC
 * column {@code W / 2}. Columns are drawn with {@code java.util.Random(seed)}.
 */
public final class RandomLineSampling implements SamplingPattern {

    private final double acceleration;
    private final double centerFraction;

    public RandomLineSampling(double acceleration, double centerFraction) {
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
        double prob = (width / acceleration - numLow) / (width - numLow);
        Random random = new Random(seed);
        boolean[] columns = new boolean[width];
        for (int w = 0; w < width; w++) {
            columns[w] = random.nextDouble() < prob;
        }
        int pad = (width - numLow + 1) / 2;
        for (int w = pad; w < pad + numLow; w++) {
            columns[w] = true;
        }
        return SamplingMask.ofColumns(height, columns);
    }
}
