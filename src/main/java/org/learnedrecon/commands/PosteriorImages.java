package org.learnedrecon.commands;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.learnedrecon.io.MetadataImage;
import org.learnedrecon.io.TensorAdapter;
import org.learnedrecon.reconstruction.ReconstructionService.PosteriorResult;

/**
 * The extra outputs of {@code solver=[Diffusion posterior]} in both Reconstruct commands: {@code "<title> std"}, the
 * per-pixel posterior standard deviation, and with {@code keep} {@code "<title> samples"}, sample-major (all slices
 * of sample 1, then of sample 2, ...); their Info is the source's with the model, the sample count and the seed.
 *
 * @param std the standard deviation image
 * @param samples the samples, or null when they were not kept
 */
record PosteriorImages(MetadataImage std, MetadataImage samples) {

    /**
     * @param shown how an image tensor is shown: as it is (CT), or its magnitude (complex MRI: the std image is then
     *     the magnitude of the real and imaginary parts' stds)
     */
    static PosteriorImages of(PosteriorResult posterior, String title, Map<String, String> source, int samples,
        long seed, UnaryOperator<NDArray> shown) {
        Map<String, String> info = new LinkedHashMap<>(source);
        info.put("model", posterior.modelName());
        info.put("samples", Integer.toString(samples));
        info.put("seed", Long.toString(seed));
        MetadataImage std = new MetadataImage(title + " std", TensorAdapter.toImg(shown.apply(
            posterior.summary().std())), info);
        NDArray drawn = posterior.summary().samples();
        return new PosteriorImages(std, drawn == null ? null : new MetadataImage(title + " samples",
            TensorAdapter.toImg(shown.apply(drawn.reshape(new Shape(-1).addAll(drawn.getShape().slice(2))))), info));
    }
}
