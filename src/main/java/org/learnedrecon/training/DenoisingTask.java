package org.learnedrecon.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import java.util.Random;
import org.learnedrecon.learned.ChannelLayout;

/**
 * Denoiser training for plug-and-play: inputs are image batches {@code (B, C, H, W)} with additive Gaussian noise
 * of standard deviation {@code sigma} (in the normalised intensity units the images are given in), target the clean
 * images, baseline the noisy ones.
 */
public final class DenoisingTask implements TrainingTask {

    private final Shape domainShape;
    private final double sigma;

    public DenoisingTask(Shape domainShape, double sigma) {
        this.domainShape = domainShape;
        this.sigma = sigma;
    }

    @Override
    public Shape domainShape() {
        return domainShape;
    }

    @Override
    public Shape[] inputShapes(long batch) {
        return new Shape[] {new Shape(batch).addAll(ChannelLayout.imageShape(domainShape))};
    }

    @Override
    public Example example(NDArray clean, Random random) {
        NDArray images = ChannelLayout.toImages(clean, domainShape);
        float[] values = images.toFloatArray();
        for (int i = 0; i < values.length; i++) {
            values[i] += (float) (sigma * random.nextGaussian());
        }
        NDArray noisy = clean.getManager().create(values, images.getShape());
        return new Example(new NDList(noisy), images, noisy);
    }

    @Override
    public String description() {
        return "denoising, gaussian sigma " + sigma + " (normalised units)";
    }
}
