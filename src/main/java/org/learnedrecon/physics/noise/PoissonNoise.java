package org.learnedrecon.physics.noise;

import ai.djl.ndarray.NDArray;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Photon-counting (Poisson) noise on line integrals: for a noiseless sinogram value {@code y} (line integral of the
 * image in pixel units, as produced by {@code RayTransform}) the detector counts are
 * {@code n ~ Poisson(I0 exp(-mu y))}, clamped to {@code n >= 1} so the log exists, and the returned value is
 * {@code -log(n / I0) / mu}, again in the units of {@code y}.
 *
 * <p>Units: {@code mu} is the attenuation of image value 1 per pixel. {@link #forImageSize} takes
 * {@code mu = }{@value #DEFAULT_ATTENUATION_ACROSS_IMAGE}{@code / N}: an image value of 1 filling the whole width of
 * an {@code N x N} image attenuates by {@code e^-4} (1.8% transmission), like 20 cm of water at about 70 keV
 * ({@code 0.2 /cm}), if value 1 is water and the image spans 20 cm. Images in [0, 1] at 128 to 512 pixels then give
 * the same transmissions independently of {@code N}, and {@code I0} alone sets the dose (1e3 very low, 1e4 low,
 * 1e5 to 1e6 close to noiseless).
 */
public final class PoissonNoise implements NoiseModel {

    /** Attenuation (in e-folds) of value 1 across the full image width used by {@link #forImageSize}. */
    public static final double DEFAULT_ATTENUATION_ACROSS_IMAGE = 4.0;

    private final double incidentPhotons;
    private final double mu;
    private final long seed;

    /**
     * @param incidentPhotons {@code I0}, photons per detector element without object, {@code > 0}
     * @param mu attenuation of image value 1 per pixel, {@code > 0}
     * @param seed seed of the random stream
     */
    public PoissonNoise(double incidentPhotons, double mu, long seed) {
        if (!(incidentPhotons > 0) || Double.isInfinite(incidentPhotons)) {
            throw new IllegalArgumentException("Incident photon count I0 must be positive and finite, got "
                + incidentPhotons);
        }
        if (!(mu > 0) || Double.isInfinite(mu)) {
            throw new IllegalArgumentException("Attenuation scale mu must be positive and finite, got " + mu);
        }
        this.incidentPhotons = incidentPhotons;
        this.mu = mu;
        this.seed = seed;
    }

    /** Poisson noise with {@code mu = 4 / imageSize} (see the class comment). */
    public static PoissonNoise forImageSize(double incidentPhotons, int imageSize, long seed) {
        if (imageSize < 1) {
            throw new IllegalArgumentException("Image size must be at least 1, got " + imageSize);
        }
        return new PoissonNoise(incidentPhotons, DEFAULT_ATTENUATION_ACROSS_IMAGE / imageSize, seed);
    }

    public double incidentPhotons() {
        return incidentPhotons;
    }

    public double mu() {
        return mu;
    }

    @Override
    public NDArray apply(NDArray clean) {
        float[] v = NoiseModel.finiteValues(clean);
        float[] out = new float[v.length];
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < v.length; i++) {
            double expected = incidentPhotons * Math.exp(-mu * v[i]);
            double counts = Math.max(1, PoissonSampler.next(random, expected));
            out[i] = (float) (-Math.log(counts / incidentPhotons) / mu);
        }
        return clean.getManager().create(out, clean.getShape());
    }

    @Override
    public String describe() {
        return String.format(Locale.ROOT, "Poisson I0 %.4g, mu %.4g /px, seed %d", incidentPhotons, mu, seed);
    }
}
