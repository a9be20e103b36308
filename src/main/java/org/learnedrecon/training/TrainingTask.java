package org.learnedrecon.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import java.util.Random;

/**
 * What a network learns: turns a batch of clean images (B, domainShape...) into network inputs and a target,
 * with noise from the given generator. {@link MeasurementTask} simulates measurements through the physics;
 * {@link DenoisingTask} adds image noise for plug-and-play denoisers.
 */
public interface TrainingTask {

    /** Network inputs, the target (same shape as the network output) and a baseline (e.g. the initial reconstruction). */
    final class Example {
        public final NDList inputs;
        public final NDArray target;
        public final NDArray baseline;
        /** Per-example weights of the squared error, broadcastable to the target, or {@code null} for none. */
        public final NDArray weight;

        public Example(NDList inputs, NDArray target, NDArray baseline) {
            this(inputs, target, baseline, null);
        }

        public Example(NDList inputs, NDArray target, NDArray baseline, NDArray weight) {
            this.inputs = inputs;
            this.target = target;
            this.baseline = baseline;
            this.weight = weight;
        }
    }

    /** Per-sample shape of the clean images the task takes. */
    Shape domainShape();

    /** Input shapes of the network for batch size {@code batch}, for initialisation. */
    Shape[] inputShapes(long batch);

    /** One example; all arrays attached to the manager of {@code clean}. */
    Example example(NDArray clean, Random random);

    /** A description for the model metadata (noise, initial reconstruction). */
    String description();
}
