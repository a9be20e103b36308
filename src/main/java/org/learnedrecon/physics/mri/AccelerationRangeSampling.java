package org.learnedrecon.physics.mri;

import java.util.SplittableRandom;
import java.util.function.DoubleFunction;

/**
 * A family of line patterns over a range of accelerations, for training one MRI solver that serves them all: each
 * mask draws its acceleration log-uniform in {@code [low, high]} and uses the line pattern of that acceleration
 * ({@code pattern}, e.g. random lines) with a fully sampled centre of {@code centreTimesAcceleration / acceleration}
 * (the convention of the shipped models and the benchmarks: 0.32 / acceleration, so 4x keeps 8 % and 8x 4 %). The
 * same seed gives the same mask, as for every {@link SamplingPattern}.
 */
public final class AccelerationRangeSampling implements SamplingPattern {

    /** A line pattern of one acceleration and centre fraction. */
    public interface LinePattern {
        SamplingPattern of(double acceleration, double centreFraction);
    }

    private final double low;
    private final double high;
    private final double centreTimesAcceleration;
    private final LinePattern pattern;

    /** @throws IllegalArgumentException unless {@code 1 <= low <= high} and the centre fractions lie in (0, 1] */
    public AccelerationRangeSampling(double low, double high, double centreTimesAcceleration, LinePattern pattern) {
        if (!(low >= 1) || !(high >= low) || Double.isInfinite(high) || !(centreTimesAcceleration > 0)
            || centreTimesAcceleration / low > 1) {
            throw new IllegalArgumentException("acceleration=" + low + "-" + high + " must be a range 1 <= low <= high"
                + " with centre fractions " + centreTimesAcceleration + " / acceleration in (0, 1]");
        }
        this.low = low;
        this.high = high;
        this.centreTimesAcceleration = centreTimesAcceleration;
        this.pattern = pattern;
    }

    /**
     * The acceleration of the mask drawn with {@code seed} ({@link SplittableRandom} mixes the seed: the first value
     * of {@code java.util.Random} hardly differs between neighbouring seeds).
     */
    public double acceleration(long seed) {
        return low * Math.exp(new SplittableRandom(seed).nextDouble() * Math.log(high / low));
    }

    @Override
    public SamplingMask generate(int height, int width, long seed) {
        double acceleration = acceleration(seed);
        return pattern.of(acceleration, centreTimesAcceleration / acceleration).generate(height, width,
            seed * 0x9E3779B97F4A7C15L + 1);
    }

    /** The geometric mean of the range. */
    @Override
    public double targetAcceleration() {
        return Math.sqrt(low * high);
    }

    /** The centre fraction at {@code acceleration}. */
    public double centreFraction(double acceleration) {
        return centreTimesAcceleration / acceleration;
    }

    /** For settings: {@code lo-hi} of the centre fractions this family draws. */
    public String centreRange() {
        DoubleFunction<String> f = v -> Double.toString(Math.round(v * 1e6) / 1e6);
        return f.apply(centreFraction(high)) + "-" + f.apply(centreFraction(low));
    }
}
