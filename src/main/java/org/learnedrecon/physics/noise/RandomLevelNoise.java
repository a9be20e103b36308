package org.learnedrecon.physics.noise;

import ai.djl.ndarray.NDArray;
import java.util.Locale;
import java.util.Random;
import java.util.function.DoubleFunction;

/**
 * Measurement noise whose relative level is drawn for every batch, log-uniform in {@code [low, high]} (0.5 % to 5 %
 * as often as 0.5 % to 1.6 %): for training a solver that serves a range of noise levels. The noise of each level is
 * the physics' own ({@code levelNoise}, e.g. {@link GaussianRelativeNoise} for CT), so a draw at level {@code l}
 * equals that physics' training noise at {@code l}.
 */
public final class RandomLevelNoise implements MeasurementNoise {

    private final double low;
    private final double high;
    private final DoubleFunction<MeasurementNoise> levelNoise;

    /** @throws IllegalArgumentException unless {@code 0 < low <= high} */
    public RandomLevelNoise(double low, double high, DoubleFunction<MeasurementNoise> levelNoise) {
        if (!(low > 0) || !(high >= low) || Double.isInfinite(high)) {
            throw new IllegalArgumentException("noise=" + low + ":" + high + " must be a range 0 < low <= high");
        }
        this.low = low;
        this.high = high;
        this.levelNoise = levelNoise;
    }

    /** The level of a draw from {@code random}. */
    double level(Random random) {
        return low * Math.exp(random.nextDouble() * Math.log(high / low));
    }

    @Override
    public NDArray corrupt(NDArray clean, Random random) {
        return levelNoise.apply(level(random)).corrupt(clean, random);
    }

    @Override
    public String description() {
        return String.format(Locale.ROOT, "%s, level log-uniform in %g-%g", levelNoise.apply(low).description(), low,
            high);
    }
}
