package org.learnedrecon.learned;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import org.learnedrecon.solvers.ProgressMonitor;

/**
 * A trained denoiser applied to image batches {@code (B, C, H, W)} for plug-and-play: as it is, or, for a
 * single-channel denoiser given {@code C > 1} channels (real and imaginary parts of MRI images), channel by channel,
 * each channel an image of its own. That is how a denoiser trained on real image stacks serves complex data (the
 * real and imaginary parts of an image are images themselves).
 */
final class ImageDenoiser {

    /**
     * The most images one pass of the network takes: larger batches are split into passes of this many. On CPU a
     * pass over many images costs more per image than over a few (the diffusion U-Net on 128^2 images, 2 threads:
     * 32-48 ms per image in passes of 1-2, 43-61 in passes of 4, 78-141 in passes of 16, 186-215 in passes of 32;
     * activations outgrowing the caches, presumably); end to end, passes of 4 beat 2 and 8 (README, "Denoiser
     * passes of four images").
     */
    static final int PASS_IMAGES = 4;

    private final Block denoiser;
    /** Channels the denoiser takes, or -1 when unknown (then images are given to it as they are). */
    private final int channels;
    private final boolean noiseMap;

    ImageDenoiser(Block denoiser) {
        this.denoiser = denoiser;
        this.channels = denoiser instanceof NoiseLevelDenoiser d ? d.channels() : -1;
        this.noiseMap = denoiser instanceof NoiseLevelDenoiser d && d.takesNoiseMap();
    }

    /**
     * {@code denoiser} wrapped, for a method that needs to tell it the noise level.
     *
     * @throws IllegalArgumentException naming {@code method} when the denoiser takes no noise-level map
     */
    static ImageDenoiser toldTheNoiseLevel(Block denoiser, String method) {
        ImageDenoiser wrapped = new ImageDenoiser(denoiser);
        if (!wrapped.takesNoiseLevel()) {
            throw new IllegalArgumentException(method + " needs a denoiser conditioned on the noise level (a model"
                + " with hyperParameters noiseMap=true), but this one has noiseMap="
                + (denoiser instanceof NoiseLevelDenoiser d ? d.takesNoiseMap()
                    : "absent (" + denoiser.getClass().getSimpleName() + ")"));
        }
        return wrapped;
    }

    /** Whether the denoiser is told the noise level (else it knows one level, see {@link HalfQuadraticSplitting}). */
    boolean takesNoiseLevel() {
        return noiseMap;
    }

    /** The denoised images, same shape; inference (no training-mode layers). */
    NDArray apply(ParameterStore parameters, NDArray images, ProgressMonitor cancel) {
        return apply(parameters, images, Double.NaN, cancel);
    }

    /**
     * The images denoised at noise standard deviation {@code sigma} (used by noise-level-map denoisers, ignored by
     * the others), same shape; inference. A {@link NoiseLevelDenoiser} checks {@code cancel} within the pass
     * ({@link DnCnn#denoise}: before every band of every layer).
     */
    NDArray apply(ParameterStore parameters, NDArray images, double sigma, ProgressMonitor cancel) {
        if (noiseMap && !(sigma >= 0)) {
            throw new IllegalArgumentException("This denoiser takes a noise-level map: give the noise level, got "
                + sigma);
        }
        Shape shape = images.getShape();
        long given = shape.get(1);
        NDArray input = channels != 1 || given == 1 ? images
            : images.reshape(shape.get(0) * given, 1, shape.get(2), shape.get(3));
        long count = input.getShape().get(0);
        if (count <= PASS_IMAGES) {
            return pass(parameters, input, sigma, cancel).reshape(shape);
        }
        NDList parts = new NDList();
        for (long from = 0; from < count; from += PASS_IMAGES) {
            parts.add(pass(parameters, input.get(new NDIndex("{}:{}", from, Math.min(count, from + PASS_IMAGES))),
                sigma, cancel));
        }
        NDArray denoised = NDArrays.concat(parts);
        parts.close();
        return denoised.reshape(shape);
    }

    /** One pass of the network over {@code input} {@code (N, C, H, W)}. */
    private NDArray pass(ParameterStore parameters, NDArray input, double sigma, ProgressMonitor cancel) {
        return denoiser instanceof NoiseLevelDenoiser d
            ? d.denoise(parameters, d.inputs(input, sigma), cancel)
            : denoiser.forward(parameters, new NDList(input), false).singletonOrThrow();
    }

    /**
     * Iterates {@code x} in an operator's domain layout {@code (B, domain...)} denoised as images
     * ({@link ChannelLayout}: complex images channel by channel) at noise level {@code sigma} (NaN for a single-level
     * denoiser), back in that layout: the prior step of plug-and-play and of the posterior samplers.
     */
    NDArray applyInDomain(ParameterStore parameters, NDArray x, Shape domain, double sigma, ProgressMonitor cancel) {
        return ChannelLayout.fromImages(apply(parameters, ChannelLayout.toImages(x, domain), sigma, cancel), domain);
    }
}
