package org.learnedrecon.learned;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.learnedrecon.solvers.ProgressMonitor;

/**
 * PnP-ULA checked against a posterior known in closed form: with a Gaussian prior {@code x_i ~ N(m, tau^2)} its MMSE
 * denoiser is {@code D(x, s) = (tau^2 x + s^2 m) / (tau^2 + s^2)}, and PnP-ULA targets the posterior under the prior
 * smoothed by the denoiser's level, {@code N(m, tau^2 + sigma_d^2)}: per pixel, unobserved pixels
 * {@code N(m, tau^2 + sigma_d^2)}, observed ones {@code N((y/sigma_n^2 + m/v) / P, 1/P)} with
 * {@code v = tau^2 + sigma_d^2}, {@code P = 1/sigma_n^2 + 1/v}.
 */
class LangevinPosteriorSamplerTest {

    private static final int N = 16;
    private static final double MEAN = 0.5;
    private static final double TAU = 0.1;
    private static final double SIGMA_D = 0.05;

    /** The MMSE denoiser of the Gaussian prior {@code N(MEAN, TAU^2)} per pixel, told the noise level by a map. */
    private static final class GaussianPriorDenoiser extends AbstractBlock implements NoiseLevelDenoiser {

        @Override
        public int channels() {
            return 1;
        }

        @Override
        public boolean takesNoiseMap() {
            return true;
        }

        @Override
        public NDList inputs(NDArray images, double sigma) {
            return NoiseLevelDenoiser.withNoiseMap(images, sigma);
        }

        @Override
        public NDArray denoise(ParameterStore parameters, NDList inputs, ProgressMonitor cancel) {
            NDArray variance = inputs.get(1).square();
            return inputs.get(0).mul(TAU * TAU).add(variance.mul(MEAN)).div(variance.add(TAU * TAU));
        }

        @Override
        public String architecture() {
            return "gaussian-prior";
        }

        @Override
        public Map<String, String> hyperParameters() {
            return Map.of("noiseMap", "true");
        }

        @Override
        protected NDList forwardInternal(ParameterStore parameters, NDList inputs, boolean training,
            PairList<String, Object> params) {
            return new NDList(denoise(parameters, inputs, ProgressMonitor.NONE));
        }

        @Override
        public Shape[] getOutputShapes(Shape[] inputShapes) {
            return new Shape[] {inputShapes[0]};
        }
    }

    private static LangevinPosteriorSampler sampler(int iterations, double noiseLevel) {
        return new LangevinPosteriorSampler(new GaussianPriorDenoiser(), 1.0,
            new LangevinPosteriorSampler.Settings(iterations, SIGMA_D, 1, 1 / 3.0, noiseLevel), null);
    }

    /** Every other pixel observed. */
    private static PixelMask halfObserved(NDManager manager) {
        float[] m = new float[N * N];
        for (int i = 0; i < m.length; i += 2) {
            m[i] = 1;
        }
        return new PixelMask(manager.create(m, new Shape(N, N)));
    }

    private static NDArray measurements(NDManager manager, PixelMask operator, long seed) {
        float[] v = new float[2 * N * N];
        Random random = new Random(seed);
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (MEAN + TAU * random.nextGaussian());
        }
        return operator.apply(manager.create(v, new Shape(2, N, N)));
    }

    @Test
    void samplesHaveTheGaussianPosteriorsMeanAndVariance() {
        try (NDManager manager = NDManager.newBaseManager()) {
            PixelMask operator = halfObserved(manager);
            NDArray y = measurements(manager, operator, 1);
            double noiseLevel = 0.1;
            double noise = noiseLevel * noiseLevel * PosteriorSampler.noiseVariances(y, 1)[0];
            double noise2 = noiseLevel * noiseLevel * PosteriorSampler.noiseVariances(y, 1)[1];
            int samples = 16;
            float[] drawn = sampler(2000, noiseLevel).sample(y, operator, samples, 3, ProgressMonitor.NONE)
                .toFloatArray();
            float[] data = y.toFloatArray();
            double v = TAU * TAU + SIGMA_D * SIGMA_D;
            double[] sum = new double[2];
            double[] squares = new double[2];
            int[] count = new int[2];
            for (int i = 0; i < drawn.length; i++) {
                int slicePixel = i % (2 * N * N);
                boolean observed = slicePixel % 2 == 0;
                double sigmaN2 = slicePixel < N * N ? noise : noise2;
                double precision = 1 / sigmaN2 + 1 / v;
                double mean = observed ? (data[slicePixel] / sigmaN2 + MEAN / v) / precision : MEAN;
                double std = observed ? Math.sqrt(1 / precision) : Math.sqrt(v);
                double z = (drawn[i] - mean) / std;
                int c = observed ? 1 : 0;
                sum[c] += z;
                squares[c] += z * z;
                count[c]++;
            }
            for (int c = 0; c < 2; c++) {
                double zMean = sum[c] / count[c];
                double zVariance = squares[c] / count[c] - zMean * zMean;
                String which = c == 1 ? "observed" : "unobserved";
                assertTrue(Math.abs(zMean) < 0.08, which + ": mean of standardised samples " + zMean);
                assertTrue(zVariance > 0.88 && zVariance < 1.08, which + ": variance ratio " + zVariance);
            }
        }
    }

    @Test
    void theSameSeedGivesTheSameSamples() {
        try (NDManager manager = NDManager.newBaseManager()) {
            PixelMask operator = halfObserved(manager);
            NDArray y = measurements(manager, operator, 2);
            LangevinPosteriorSampler sampler = sampler(20, 0.1);
            NDArray a = PixelMask.assertSeeded(sampler, y, operator);
            assertEquals(new Shape(3, 2, N, N), a.getShape());
        }
    }

    @Test
    void refusesADenoiserWithoutNoiseLevelAndBadSettings() {
        try (NDManager manager = NDManager.newBaseManager()) {
            DnCnn plain = DiffusionPosteriorSamplerTest.denoiser(manager, false);
            IllegalArgumentException noMap = assertThrows(IllegalArgumentException.class,
                () -> new LangevinPosteriorSampler(plain, 1.0, LangevinPosteriorSampler.DEFAULTS, null));
            assertTrue(noMap.getMessage().contains("PnP-ULA") && noMap.getMessage().contains("noiseMap=false"),
                noMap.getMessage());
            IllegalArgumentException step = assertThrows(IllegalArgumentException.class,
                () -> LangevinPosteriorSampler.Settings.parse("100,0.02,1,1.5,0.01"));
            assertTrue(step.getMessage().contains("stepFraction 1.5"), step.getMessage());
        }
    }
}
