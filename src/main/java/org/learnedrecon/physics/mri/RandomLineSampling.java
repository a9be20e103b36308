package org.learnedrecon.physics.mri;

import java.util.Random;

/**
 * fastMRI's {@code RandomMaskFunc}: the centre band of {@link CentredLineSampling} plus every column independently
 * with probability {@code (W / acceleration - numLow) / (W - numLow)}, so the expected acceleration is
 * {@code acceleration}.
 */
public final class RandomLineSampling extends CentredLineSampling {

    public RandomLineSampling(double acceleration, double centerFraction) {
        super(acceleration, centerFraction);
    }

    @Override
    void addOuterLines(boolean[] columns, int numLow, Random random) {
        int width = columns.length;
        double prob = (width / acceleration - numLow) / (width - numLow);
        for (int w = 0; w < width; w++) {
            columns[w] = random.nextDouble() < prob;
        }
    }
}
