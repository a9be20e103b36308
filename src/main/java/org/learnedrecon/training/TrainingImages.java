package org.learnedrecon.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Random;

/**
 * Ground-truth images for training: fixed slices of one size ({@link ImageSliceDataset}) or random patches of many
 * images of any size ({@link PatchCorpus}). {@link TrainingRun} asks for batches by index; a source that draws
 * patches takes them from the generator it is given, which the run derives from (seed, epoch, step), so resumed runs
 * repeat the same patches.
 */
public interface TrainingImages {

    /** Samples per epoch. */
    int size();

    /** A one-line description for model metadata and checkpoint fingerprints. */
    String description();

    /** The intensity scale the images are divided by when the run is not given one. */
    double maximum();

    /**
     * A batch {@code (B, domainShape...)} of the samples {@code indices}, divided by {@code scale}.
     *
     * @param random draws patches, flips and intensity windows (sources of fixed slices ignore it)
     */
    NDArray batch(NDManager manager, int[] indices, Shape domainShape, double scale, Random random);
}
