package org.learnedrecon.physics.noise;

import java.util.SplittableRandom;

/**
 * Exact Poisson draws: Knuth's product of uniforms for small means, Hörmann's PTRS transformed rejection
 * ("The transformed rejection method for generating Poisson random variables", 1993; also numpy's choice) for
 * means of 10 and more, so large photon counts cost O(1).
 */
final class PoissonSampler {

    private PoissonSampler() {
    }

    static double next(SplittableRandom random, double lambda) {
        if (lambda <= 0) {
            return 0;
        }
        if (lambda < 10) {
            double limit = Math.exp(-lambda);
            double product = random.nextDouble();
            int k = 0;
            while (product > limit) {
                k++;
                product *= random.nextDouble();
            }
            return k;
        }
        double slam = Math.sqrt(lambda);
        double loglam = Math.log(lambda);
        double b = 0.931 + 2.53 * slam;
        double a = -0.059 + 0.02483 * b;
        double invalpha = 1.1239 + 1.1328 / (b - 3.4);
        double vr = 0.9277 - 3.6224 / (b - 2);
        while (true) {
            double u = random.nextDouble() - 0.5;
            double v = random.nextDouble();
            double us = 0.5 - Math.abs(u);
            double k = Math.floor((2 * a / us + b) * u + lambda + 0.43);
            if (us >= 0.07 && v <= vr) {
                return k;
            }
            if (k < 0 || (us < 0.013 && v > us)) {
                continue;
            }
            if (Math.log(v) + Math.log(invalpha) - Math.log(a / (us * us) + b)
                <= -lambda + k * loglam - logFactorial(k)) {
                return k;
            }
        }
    }

    /** {@code log(k!)}: exact sum below 20, Stirling series with three correction terms above (error < 1e-12). */
    static double logFactorial(double k) {
        if (k < 20) {
            double s = 0;
            for (int i = 2; i <= k; i++) {
                s += Math.log(i);
            }
            return s;
        }
        double k2 = k * k;
        return k * Math.log(k) - k + 0.5 * Math.log(2 * Math.PI * k) + 1 / (12 * k) - 1 / (360 * k * k2)
            + 1 / (1260 * k2 * k2 * k);
    }
}
