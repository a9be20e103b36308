package org.learnedrecon.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import java.util.Random;
import org.learnedrecon.learned.ChannelLayout;

/**
 * Denoiser training for plug-and-play: inputs are image batches {@code (B, C, H, W)} with additive Gaussian noise,
 * target the clean images, baseline the noisy ones. The noise standard deviation (in the normalised intensity units
 * the images are given in) is one fixed {@code sigma}, or drawn per image uniformly from {@code [sigmaMin,
 * sigmaMax]}; a denoiser that takes a noise-level map gets it as its second input {@code (B, 1, H, W)}.
 */
public final class DenoisingTask implements TrainingTask {

    private final Shape domainShape;
    private final double sigmaMin;
    private final double sigmaMax;
    private final boolean noiseMap;

    /** One noise level, no map (the single-level denoiser). */
    public DenoisingTask(Shape domainShape, double sigma) {
        this(domainShape, sigma, sigma, false);
    }

    /**
     * @param noiseMap whether the network takes the noise level as a second input
     */
    public DenoisingTask(Shape domainShape, double sigmaMin, double sigmaMax, boolean noiseMap) {
        if (!(sigmaMin >= 0) || !(sigmaMax >= sigmaMin)) {
            throw new IllegalArgumentException("Denoiser training needs 0 <= sigma min <= sigma max, got sigma="
                + sigmaMin + (sigmaMax != sigmaMin ? ":" + sigmaMax : ""));
        }
        this.domainShape = domainShape;
        this.sigmaMin = sigmaMin;
        this.sigmaMax = sigmaMax;
        this.noiseMap = noiseMap;
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

    @Override
    public Example example(NDArray clean, Random random) {
        NDArray images = ChannelLayout.toImages(clean, domainShape);
        Shape shape = images.getShape();
        int batch = (int) shape.get(0);
        int perSample = Math.toIntExact(shape.size() / batch);
        int pixels = (int) (shape.get(2) * shape.get(3));
        float[] values = images.toFloatArray();
        float[] map = new float[batch * pixels];
        for (int b = 0; b < batch; b++) {
            double sigma = sigmaMin == sigmaMax ? sigmaMin : sigmaMin + (sigmaMax - sigmaMin) * random.nextDouble();
            java.util.Arrays.fill(map, b * pixels, (b + 1) * pixels, (float) sigma);
            for (int i = b * perSample; i < (b + 1) * perSample; i++) {
                values[i] += (float) (sigma * random.nextGaussian());
            }
        }
        NDArray noisy = clean.getManager().create(values, shape);
        NDList inputs = noiseMap ? new NDList(noisy, clean.getManager().create(map,
            new Shape(batch, 1, shape.get(2), shape.get(3)))) : new NDList(noisy);
        return new Example(inputs, images, noisy);
    }

    @Override
    public String description() {
        return "denoising, gaussian sigma " + (sigmaMin == sigmaMax ? Double.toString(sigmaMin)
            : "uniform in [" + sigmaMin + ", " + sigmaMax + "] per image") + " (normalised units)"
            + (noiseMap ? ", noise-level map as second input" : "");
    }
}
