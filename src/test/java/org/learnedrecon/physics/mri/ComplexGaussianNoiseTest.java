package org.learnedrecon.physics.mri;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

class ComplexGaussianNoiseTest {

    @Test
    void relativeLevelOnSampledEntriesOnly() {
        try (NDManager m = NDManager.newBaseManager()) {
            SamplingMask mask = new RandomLineSampling(4, 0.08).generate(64, 64, 1);
            m.getEngine().setRandomSeed(1);
            NDArray k = m.randomNormal(new Shape(2, 3, 2, 64, 64)).mul(m.create(mask.values(), new Shape(64, 64)));
            float[] before = k.toFloatArray();
            NDArray noisy = new ComplexGaussianNoise(0.1, 42).apply(k, mask);
            assertArrayEquals(before, k.toFloatArray());
            NDArray noise = noisy.sub(k);
            // unsampled entries untouched
            NDArray unsampled = noise.mul(m.create(mask.values(), new Shape(64, 64)).neg().add(1f));
            assertEquals(0f, unsampled.abs().max().getFloat(), 0f);
            double signalRms = Math.sqrt(k.square().sum().getFloat() / (2.0 * 3 * mask.sampledCount()));
            double noiseRms = Math.sqrt(noise.square().sum().getFloat() / (2.0 * 3 * mask.sampledCount()));
            assertEquals(0.1, noiseRms / signalRms, 0.003);
            assertArrayEquals(noisy.toFloatArray(), new ComplexGaussianNoise(0.1, 42).apply(k, mask).toFloatArray());
        }
    }
}
