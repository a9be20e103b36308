package org.learnedrecon.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;

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

    /**
     * The sample indices in order, in consecutive batches of at most {@code batch}: how validation and the held-out
     * score walk the samples.
     */
    default List<int[]> inBatches(int batch) {
        List<int[]> batches = new ArrayList<>();
        for (int first = 0; first < size(); first += batch) {
            batches.add(IntStream.range(first, Math.min(size(), first + batch)).toArray());
        }
        return batches;
    }
}
