package org.learnedrecon.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * The score of a reconstruction function on measurements kept out of training (k-space lines, sinogram views):
 * <pre>
 *   score = 10 log10( sum ||y_V||^2 / sum ||A_V x - y_V||^2 )   (dB, over all slices; x = f(y without V))
 * </pre>
 * SSDU's validation (Yaman et al. 2020) on the data being adapted to.
 *
 * @param full the measured data with the held-out part, of shape {@code fullShape} per slice
 * @param training the same slices as training sees them, of shape {@code trainingShape}
 * @param batch slices reconstructed at a time
 * @param split in a manager, which entries of the full data are held out and how an image predicts them
 * @param description for metadata and logs
 */
record HeldOutPrediction(TrainingImages full, Shape fullShape, TrainingImages training, Shape trainingShape,
    int batch, Function<NDManager, Split> split, String description) implements TrainingRun.HeldOutScore {

    /**
     * @param heldOut the held-out part of a batch of measurements
     * @param predict that part as images predict it
     */
    record Split(UnaryOperator<NDArray> heldOut, UnaryOperator<NDArray> predict) {
    }

    @Override
    public double score(UnaryOperator<NDArray> reconstruct, double scale, NDManager manager) {
        double signal = 0;
        double error = 0;
        try (NDManager scope = manager.newSubManager()) {
            Split held = split.apply(scope);
            for (int[] indices : full.inBatches(batch)) {
                try (NDManager step = scope.newSubManager()) {
                    NDArray target = held.heldOut().apply(full.batch(step, indices, fullShape, scale, null));
                    NDArray predicted = held.predict().apply(reconstruct.apply(training.batch(step, indices, trainingShape,
                        scale, null)));
                    signal += target.square().sum().getFloat();
                    error += predicted.sub(target).square().sum().getFloat();
                }
            }
        }
        return 10 * Math.log10(signal / error);
    }
}
