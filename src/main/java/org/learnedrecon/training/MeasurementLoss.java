package org.learnedrecon.training;

import ai.djl.ndarray.NDArray;
import java.util.Random;
import java.util.function.UnaryOperator;

/**
 * A loss of training from measurements alone: it sees the measurements {@code y}, the reconstruction {@code f} and
 * the operator it was built with, never a clean image. {@link EquivariantImagingLoss} or
 * {@link SplitMeasurementLoss}.
 */
public interface MeasurementLoss {

    /** The terms of one batch: the total to minimise, and its data-fit part. */
    final class Terms {
        public final NDArray total;
        public final NDArray consistency;

        Terms(NDArray total, NDArray consistency) {
            this.total = total;
            this.consistency = consistency;
        }
    }

    /** The loss of {@code f} on measurements {@code y}; anything random is drawn from {@code random}. */
    Terms loss(UnaryOperator<NDArray> f, NDArray y, Random random);

    /** For metadata and checkpoint fingerprints. */
    String description();
}
