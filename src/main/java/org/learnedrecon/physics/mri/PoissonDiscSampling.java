package org.learnedrecon.physics.mri;

import java.util.Random;

/**
 * 2D variable-density Poisson-disc sampling (for 2D phase encoding or a 2D-undersampled benchmark) with a fully
 * sampled square calibration region of {@code calibrationSize x calibrationSize} points around the DC point
 * {@code (H/2, W/2)}.
 *
 * <p>Points are visited in a seeded random order ({@code java.util.Random(seed)}) and accepted when no accepted
 * point lies closer than {@code r(p) = r0 (1 + densityDecay * rho(p))}, where {@code rho} is the elliptical
 * distance from the centre normalised to 1 at the edge midpoints ({@code rho = sqrt((2 dh / H)^2 + (2 dw / W)^2)}).
 * {@code r0} is found by bisection (24 steps) so that the achieved acceleration, calibration included, is as close
 * as the bisection gets to the target (tested within 5 %).
 */
public final class PoissonDiscSampling implements SamplingPattern {

    private final double acceleration;
    private final int calibrationSize;
    private final double densityDecay;

    /** Density decay 2: the disc radius at the edge is three times the one at the centre. */
    public PoissonDiscSampling(double acceleration, int calibrationSize) {
        this(acceleration, calibrationSize, 2.0);
    }

    public PoissonDiscSampling(double acceleration, int calibrationSize, double densityDecay) {
        if (!(acceleration > 1)) {
            throw new IllegalArgumentException("Acceleration must be above 1, got " + acceleration);
        }
        if (calibrationSize < 0) {
            throw new IllegalArgumentException("Calibration size must be >= 0, got " + calibrationSize);
        }
        if (!(densityDecay >= 0)) {
            throw new IllegalArgumentException("Density decay must be >= 0, got " + densityDecay);
        }
        this.acceleration = acceleration;
        this.calibrationSize = calibrationSize;
        this.densityDecay = densityDecay;
    }

    @Override
    public double targetAcceleration() {
        return acceleration;
    }

    @Override
    public SamplingMask generate(int height, int width, long seed) {
        if (calibrationSize > Math.min(height, width)) {
            throw new IllegalArgumentException("Calibration region " + calibrationSize + " exceeds the "
                + height + "x" + width + " grid");
        }
        if ((double) calibrationSize * calibrationSize > (double) height * width / acceleration) {
            throw new IllegalArgumentException("The " + calibrationSize + "^2 calibration region alone exceeds "
                + "1/" + acceleration + " of the grid");
        }
        int[] order = new int[height * width];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Random random = new Random(seed);
        for (int i = order.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        double lo = 0.5;
        double hi = Math.max(height, width);
        float[] best = null;
        double bestError = Double.POSITIVE_INFINITY;
        for (int step = 0; step < 24; step++) {
            double r0 = 0.5 * (lo + hi);
            float[] values = draw(height, width, order, r0);
            long n = 0;
            for (float v : values) {
                n += (long) v;
            }
            double achieved = (double) height * width / n;
            double error = Math.abs(achieved - acceleration);
            if (error < bestError) {
                bestError = error;
                best = values;
            }
            if (achieved < acceleration) {
                lo = r0;
            } else {
                hi = r0;
            }
        }
        return new SamplingMask(height, width, best);
    }

    private float[] draw(int height, int width, int[] order, double r0) {
        float[] values = new float[height * width];
        int ch = height / 2;
        int cw = width / 2;
        for (int p : order) {
            int h = p / width;
            int w = p % width;
            double dh = 2.0 * (h - ch) / height;
            double dw = 2.0 * (w - cw) / width;
            double r = r0 * (1 + densityDecay * Math.sqrt(dh * dh + dw * dw));
            if (isFree(values, height, width, h, w, r)) {
                values[p] = 1f;
            }
        }
        int c0h = ch - calibrationSize / 2;
        int c0w = cw - calibrationSize / 2;
        for (int h = c0h; h < c0h + calibrationSize; h++) {
            for (int w = c0w; w < c0w + calibrationSize; w++) {
                values[h * width + w] = 1f;
            }
        }
        return values;
    }

    private static boolean isFree(float[] values, int height, int width, int h, int w, double r) {
        int reach = (int) Math.ceil(r) - 1;
        double r2 = r * r;
        for (int i = Math.max(0, h - reach); i <= Math.min(height - 1, h + reach); i++) {
            for (int j = Math.max(0, w - reach); j <= Math.min(width - 1, w + reach); j++) {
                if (values[i * width + j] != 0f) {
                    double d2 = (double) (i - h) * (i - h) + (double) (j - w) * (j - w);
                    if (d2 < r2) {
                        return false;
                    }
                }
            }
        }
        return true;
    }
}
