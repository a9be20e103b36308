package org.learnedrecon.physics.mri;

/** Parameter checks and the centre band size shared by the fastMRI-style line patterns. */
final class LineSamplingChecks {

    private LineSamplingChecks() {
    }

    static void check(double acceleration, double centerFraction) {
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
    }

    static int centreLines(int width, double centerFraction, double acceleration) {
        int numLow = (int) Math.round(width * centerFraction);
        if (numLow < 1) {
            throw new IllegalArgumentException("Centre fraction " + centerFraction + " of " + width
                + " columns is no line: raise it");
        }
        if (numLow >= width / acceleration && acceleration > 1) {
            throw new IllegalArgumentException("The " + numLow + " centre lines of " + width
                + " already exceed 1/" + acceleration + " of the lines");
        }
        return numLow;
    }
}
