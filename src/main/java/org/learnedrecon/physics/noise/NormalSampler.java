package org.learnedrecon.physics.noise;

import java.util.SplittableRandom;

/** Standard normal draws from a {@link SplittableRandom} (polar Marsaglia method, one value per call). */
final class NormalSampler {

    private NormalSampler() {
    }

    static double next(SplittableRandom random) {
        double u;
        double v;
        double s;
        do {
            u = 2 * random.nextDouble() - 1;
            v = 2 * random.nextDouble() - 1;
            s = u * u + v * v;
        } while (s >= 1 || s == 0);
        return u * Math.sqrt(-2 * Math.log(s) / s);
    }
}
