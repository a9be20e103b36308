package org.learnedrecon.learned;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.util.Map;
import org.learnedrecon.solvers.ProgressMonitor;

/**
 * A trained image denoiser as plug-and-play and posterior sampling use it: images {@code (B, C, H, W)}, optionally
 * told the noise level as a map. {@link DnCnn} (the plug-and-play priors) and {@link DiffusionUNet} (the diffusion
 * prior) are the two kinds.
 */
public interface NoiseLevelDenoiser {

    /** Image channels the network takes (1 for real images, 2 for complex ones). */
    int channels();

    /** Whether the network takes a noise-level map as its second input. */
    boolean takesNoiseMap();

    /** The network inputs for denoising {@code images} at noise standard deviation {@code sigma}. */
    NDList inputs(NDArray images, double sigma);

    /** {@code (images, map)}: the images and their noise level {@code sigma} as a map {@code (B, 1, H, W)}. */
    static NDList withNoiseMap(NDArray images, double sigma) {
        Shape s = images.getShape();
        return new NDList(images, images.getManager().full(new Shape(s.get(0), 1, s.get(2), s.get(3)),
            (float) sigma));
    }

    /** Inference on {@link #inputs}: the denoised images, checking {@code cancel} while it runs. */
    NDArray denoise(ParameterStore parameters, NDList inputs, ProgressMonitor cancel);

    /** The architecture name of model files. */
    String architecture();

    /** Hyper-parameters for the model file. */
    Map<String, String> hyperParameters();
}
