package org.learnedrecon.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import java.util.Random;
import org.learnedrecon.learned.ChannelLayout;

/**
 * Denoiser training for plug-and-play and diffusion: inputs are image batches {@code (B, C, H, W)} with additive
 * Gaussian noise, target the clean images, baseline the noisy ones. The noise standard deviation (in the normalised
 * intensity units the images are given in) is one fixed {@code sigma}, or drawn per image uniformly from
 * {@code [sigmaMin, sigmaMax]}; a denoiser that takes a noise-level map gets it as its second input
 * {@code (B, 1, H, W)}.
 *
 * <p>{@link #scoreMatching} is the diffusion model's task (denoising score matching as in Karras et al. 2022): the
 * level is drawn log-uniformly, so every octave from nearly clean to pure noise is trained alike, and each image's
 * squared error is weighted by {@code (sigma^2 + s^2) / (sigma s)^2} ({@code s} the data's standard deviation), which
 * makes the loss of the preconditioned network ({@link org.learnedrecon.learned.DiffusionUNet}) of the same size at
 * every level.
 */
public final class DenoisingTask implements TrainingTask {

    private final Shape domainShape;
    private final double sigmaMin;
    private final double sigmaMax;
    private final boolean noiseMap;
    /** The data's standard deviation of score matching, or NaN for the plain task (uniform levels, no weights). */
    private final double sigmaData;

    /** One noise level, no map (the single-level denoiser). */
    public DenoisingTask(Shape domainShape, double sigma) {
        this(domainShape, sigma, sigma, false);
    }

    /**
     * @param noiseMap whether the network takes the noise level as a second input
     */
    public DenoisingTask(Shape domainShape, double sigmaMin, double sigmaMax, boolean noiseMap) {
        this(domainShape, sigmaMin, sigmaMax, noiseMap, Double.NaN);
    }

    private DenoisingTask(Shape domainShape, double sigmaMin, double sigmaMax, boolean noiseMap, double sigmaData) {
        if (!(sigmaMin >= 0) || !(sigmaMax >= sigmaMin)) {
            throw new IllegalArgumentException("Denoiser training needs 0 <= sigma min <= sigma max, got sigma="
                + sigmaMin + (sigmaMax != sigmaMin ? ":" + sigmaMax : ""));
        }
        if (!Double.isNaN(sigmaData) && !(sigmaMin > 0)) {
            throw new IllegalArgumentException("Score matching draws the noise level log-uniformly and needs sigma"
                + " min > 0, got sigma=" + sigmaMin + ":" + sigmaMax);
        }
        this.domainShape = domainShape;
        this.sigmaMin = sigmaMin;
        this.sigmaMax = sigmaMax;
        this.noiseMap = noiseMap;
        this.sigmaData = sigmaData;
    }

    /** Denoising score matching over {@code [sigmaMin, sigmaMax]} (log-uniform, weighted), with a noise-level map. */
    public static DenoisingTask scoreMatching(Shape domainShape, double sigmaMin, double sigmaMax, double sigmaData) {
        if (!(sigmaData > 0)) {
            throw new IllegalArgumentException("sigmaData must be positive, got " + sigmaData);
        }
        return new DenoisingTask(domainShape, sigmaMin, sigmaMax, true, sigmaData);
    }

    @Override
    public Shape domainShape() {
        return domainShape;
    }

    @Override
    public Shape[] inputShapes(long batch) {
        Shape images = new Shape(batch).addAll(ChannelLayout.imageShape(domainShape));
        return noiseMap ? new Shape[] {images, new Shape(batch, 1, images.get(2), images.get(3))}
            : new Shape[] {images};
    }

    private boolean scoreMatching() {
        return !Double.isNaN(sigmaData);
    }

    private double level(Random random) {
        if (sigmaMin == sigmaMax) {
            return sigmaMin;
        }
        double u = random.nextDouble();
        return scoreMatching() ? sigmaMin * Math.pow(sigmaMax / sigmaMin, u) : sigmaMin + (sigmaMax - sigmaMin) * u;
    }

    @Override
    public Example example(NDArray clean, Random random) {
        NDArray images = ChannelLayout.toImages(clean, domainShape);
        Shape shape = images.getShape();
        int batch = (int) shape.get(0);
        int perSample = Math.toIntExact(shape.size() / batch);
        int pixels = (int) (shape.get(2) * shape.get(3));
        float[] values = images.toFloatArray();
        float[] map = new float[batch * pixels];
        float[] weights = new float[batch];
        for (int b = 0; b < batch; b++) {
            double sigma = level(random);
            java.util.Arrays.fill(map, b * pixels, (b + 1) * pixels, (float) sigma);
            weights[b] = (float) ((sigma * sigma + sigmaData * sigmaData) / Math.pow(sigma * sigmaData, 2));
            for (int i = b * perSample; i < (b + 1) * perSample; i++) {
                values[i] += (float) (sigma * random.nextGaussian());
            }
        }
        NDArray noisy = clean.getManager().create(values, shape);
        NDList inputs = noiseMap ? new NDList(noisy, clean.getManager().create(map,
            new Shape(batch, 1, shape.get(2), shape.get(3)))) : new NDList(noisy);
        NDArray weight = scoreMatching() ? clean.getManager().create(weights, new Shape(batch, 1, 1, 1)) : null;
        return new Example(inputs, images, noisy, weight);
    }

    @Override
    public String description() {
        if (scoreMatching()) {
            return "denoising score matching, gaussian sigma log-uniform in [" + sigmaMin + ", " + sigmaMax
                + "] per image, squared error weighted by (sigma^2 + s^2) / (sigma s)^2 with s = " + sigmaData
                + " (normalised units), noise-level map as second input";
        }
        return "denoising, gaussian sigma " + (sigmaMin == sigmaMax ? Double.toString(sigmaMin)
            : "uniform in [" + sigmaMin + ", " + sigmaMax + "] per image") + " (normalised units)"
            + (noiseMap ? ", noise-level map as second input" : "");
    }
}
