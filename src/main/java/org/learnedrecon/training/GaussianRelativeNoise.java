package org.learnedrecon.training;

import ai.djl.ndarray.NDArray;
import java.util.Random;

/**
 * Additive white Gaussian noise whose standard deviation is {@code level} times the root-mean-square of each
 * sample's clean measurement (so {@code level = 0.01} is about 40 dB SNR whatever the intensity units).
 */
public final class GaussianRelativeNoise implements NoiseModel {

    private final double level;

    public GaussianRelativeNoise(double level) {
        if (!(level >= 0)) {
            throw new IllegalArgumentException("Noise level must be >= 0, got " + level);
        }
        this.level = level;
    }

    @Override
    public NDArray corrupt(NDArray clean, Random random) {
        float[] values = clean.toFloatArray();
        int batch = Math.toIntExact(clean.getShape().get(0));
        int perSample = values.length / batch;
        for (int b = 0; b < batch; b++) {
            double sum = 0;
            for (int i = 0; i < perSample; i++) {
                double v = values[b * perSample + i];
                sum += v * v;
            }
            double sigma = level * Math.sqrt(sum / perSample);
            for (int i = 0; i < perSample; i++) {
                values[b * perSample + i] += (float) (sigma * random.nextGaussian());
            }
        }
        return clean.getManager().create(values, clean.getShape());
    }

    @Override
    public String description() {
        return "gaussian relative " + level;
    }
}
