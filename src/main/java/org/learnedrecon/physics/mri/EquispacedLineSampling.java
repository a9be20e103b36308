package org.learnedrecon.physics.mri;

import java.util.Random;

/**
 * fastMRI's {@code EquispacedMaskFractionFunc}: the centre band of {@link CentredLineSampling} plus columns
 * {@code round(offset + j * s)} with the spacing {@code s = acceleration (numLow - W) / (numLow acceleration - W)}
 * chosen so that the total acceleration is {@code acceleration}; the offset in {@code [0, s)} is random.
 */
public final class EquispacedLineSampling extends CentredLineSampling {

    public EquispacedLineSampling(double acceleration, double centerFraction) {
        super(acceleration, centerFraction);
    }

    @Override
    void addOuterLines(boolean[] columns, int numLow, Random random) {
        int width = columns.length;
        double spacing = acceleration * (numLow - width) / (numLow * acceleration - width);
        double offset = random.nextDouble() * spacing;
        for (double pos = offset; Math.round(pos) < width; pos += spacing) {
            columns[(int) Math.round(pos)] = true;
        }
    }
}
