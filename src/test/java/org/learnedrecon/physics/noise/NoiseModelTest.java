package org.learnedrecon.physics.noise;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.learnedrecon.SharedManagerTest;

class NoiseModelTest extends SharedManagerTest {

    @Test
    void gaussianSigmaIsTheLevelTimesTheRmsOfEachSlice() {
        int size = 200 * 100;
        float[] clean = new float[2 * size];
        SplittableRandom r = new SplittableRandom(1);
        for (int i = 0; i < size; i++) {
            clean[i] = (float) (10 * r.nextDouble());
            clean[size + i] = (float) (0.01 * r.nextDouble());
        }
        try (NDManager scope = manager.newSubManager()) {
            NDArray x = scope.create(clean, new Shape(2, 200, 100));
            float[] noisy = new GaussianNoise(0.05, 7).apply(x).toFloatArray();
            assertArrayEquals(clean, x.toFloatArray(), 0f, "input modified");
            for (int b = 0; b < 2; b++) {
                double rms = 0;
                double mean = 0;
                double var = 0;
                for (int i = b * size; i < (b + 1) * size; i++) {
                    rms += clean[i] * (double) clean[i];
                    mean += noisy[i] - clean[i];
                }
                rms = Math.sqrt(rms / size);
                mean /= size;
                for (int i = b * size; i < (b + 1) * size; i++) {
                    double e = noisy[i] - clean[i] - mean;
                    var += e * e;
                }
                double sigma = Math.sqrt(var / size);
                // 20000 samples: the sample std is within ~0.5% (1 sigma) of the truth; allow 2%
                assertEquals(0.05 * rms, sigma, 0.02 * 0.05 * rms, "slice " + b);
                assertEquals(0, mean, 4 * 0.05 * rms / Math.sqrt(size), "slice " + b);
            }
            assertArrayEquals(noisy, new GaussianNoise(0.05, 7).apply(x).toFloatArray(), 0f, "same seed");
            assertFalse(Arrays.equals(noisy, new GaussianNoise(0.05, 8).apply(x).toFloatArray()), "other seed");
            assertArrayEquals(clean, new GaussianNoise(0, 7).apply(x).toFloatArray(), 0f, "level 0");
        }
    }

    @Test
    void poissonCountsHaveMeanAndVarianceLambda() {
        // constant line integral y: counts I0 exp(-mu y) ~ Poisson with mean = variance = lambda
        for (double lambda : new double[] {3.0, 40.0, 5000.0}) {
            double i0 = 1e4;
            double mu = 0.02;
            double y = -Math.log(lambda / i0) / mu;
            int count = 40000;
            float[] clean = new float[count];
            Arrays.fill(clean, (float) y);
            try (NDManager scope = manager.newSubManager()) {
                NDArray x = scope.create(clean, new Shape(1, 200, 200));
                float[] noisy = new PoissonNoise(i0, mu, 3).apply(x).toFloatArray();
                double mean = 0;
                double square = 0;
                for (float v : noisy) {
                    double counts = Math.rint(i0 * Math.exp(-mu * v));
                    mean += counts;
                    square += counts * counts;
                }
                mean /= count;
                double var = square / count - mean * mean;
                // clamping to >= 1 moves zero counts to one: E = lambda + p0 with p0 = P(0) = e^-lambda and
                // Var = lambda - 2 lambda p0 + p0 - p0^2
                double p0 = Math.exp(-lambda);
                double expectedMean = lambda + p0;
                double expectedVar = lambda - 2 * lambda * p0 + p0 - p0 * p0;
                assertEquals(expectedMean, mean, 5 * Math.sqrt(lambda / count), "mean at lambda " + lambda);
                assertEquals(expectedVar, var, 0.04 * expectedVar, "variance at lambda " + lambda);
            }
        }
    }

    @Test
    void poissonDefaultScaleGivesTheDocumentedTransmission() {
        PoissonNoise p = PoissonNoise.forImageSize(1e6, 256, 1);
        assertEquals(4.0 / 256, p.mu(), 1e-15);
        // 256 pixels of value 1: line integral 256, transmission e^-4, high dose: nearly noiseless
        try (NDManager scope = manager.newSubManager()) {
            NDArray x = scope.create(new float[] {256f, 0f, 128f}, new Shape(1, 1, 3));
            float[] y = p.apply(x).toFloatArray();
            assertEquals(256, y[0], 256 * 0.02);
            assertEquals(128, y[2], 128 * 0.01);
            assertEquals(0, y[1], 0.5);
        }
    }

    @Test
    void badParametersAndInputsAreNamed() {
        assertThrows(IllegalArgumentException.class, () -> new GaussianNoise(-0.1, 1));
        assertThrows(IllegalArgumentException.class, () -> new PoissonNoise(0, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new PoissonNoise(100, Double.NaN, 1));
        try (NDManager scope = manager.newSubManager()) {
            NDArray x = scope.create(new float[] {1, Float.NaN}, new Shape(1, 2));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new GaussianNoise(0.1, 1).apply(x));
            assertEquals("The noiseless data contain NaN at flat index 1", e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                () -> new PoissonNoise(100, 0.1, 1).apply(scope.create(new float[] {1, 2})));
            assertTrue(e.getMessage().contains("batch"), e.getMessage());
        }
    }

    @Test
    void logFactorialMatchesTheExactSum() {
        double exact = 0;
        for (int k = 2; k <= 60; k++) {
            exact += Math.log(k);
            assertEquals(exact, PoissonSampler.logFactorial(k), 1e-10 * exact, "k = " + k);
        }
    }

    @Test
    void randomLevelNoiseDrawsLogUniformLevelsOfThePhysicsNoise() {
        RandomLevelNoise noise = new RandomLevelNoise(0.005, 0.05, GaussianRelativeNoise::new);
        java.util.Random random = new java.util.Random(3);
        int below = 0;
        for (int i = 0; i < 400; i++) {
            double level = noise.level(random);
            assertTrue(level >= 0.005 && level <= 0.05, "level " + level);
            below += level < Math.sqrt(0.005 * 0.05) ? 1 : 0;
        }
        assertTrue(below > 160 && below < 240, below + " of 400 levels below the geometric mean");
        try (NDManager scope = manager.newSubManager()) {
            NDArray clean = scope.ones(new Shape(1, 100, 100));
            // The same generator state gives the level and then the physics noise at that level.
            double level = noise.level(new java.util.Random(11));
            java.util.Random r = new java.util.Random(11);
            r.nextDouble();
            float[] expected = new GaussianRelativeNoise(level).corrupt(clean, r).toFloatArray();
            assertArrayEquals(expected, noise.corrupt(clean, new java.util.Random(11)).toFloatArray(), 0f);
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> new RandomLevelNoise(0, 0.05, GaussianRelativeNoise::new));
        assertTrue(e.getMessage().contains("noise=0.0:0.05"), e.getMessage());
    }
}
