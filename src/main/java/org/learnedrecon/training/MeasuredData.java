package org.learnedrecon.training;

import ai.djl.ndarray.NDManager;
import java.util.Map;
import java.util.Optional;
import org.learnedrecon.physics.ForwardOperator;

/**
 * Measured data to train or adapt a solver on ({@code measurements=}): the measurements, one per slice, and the
 * acquisition they come from. {@link MeasuredSinograms} (CT) or {@link MeasuredKspace} (MRI).
 */
public interface MeasuredData {

    /** The measurements as training samples of the operator's range shape. */
    TrainingImages measurements();

    /** The {@code org.learnedrecon.acquisition.PhysicsCatalog} name of the acquisition. */
    String physics();

    /** The acquisition as physics settings (without {@code physics}), the form model files record. */
    Map<String, String> settings();

    /** The operator of the acquisition, in {@code manager}. */
    ForwardOperator operator(NDManager manager);

    /**
     * This data with {@code fraction} of its measurements kept out of training to score it ({@code holdout=}): k-space
     * lines ({@link HeldOutLines}) or sinogram views ({@link HeldOutSinogramViews}); empty when the acquisition has
     * none to spare (training then uses all of it and keeps the last epoch).
     *
     * @param seed draws the held-out measurements where they are drawn at random
     * @param batch slices reconstructed at a time when scoring
     * @throws IllegalArgumentException naming {@code holdout=} when the fraction is not in (0, 0.5]
     */
    Optional<HeldOut> holdOut(double fraction, long seed, int batch);

    /**
     * Measured data split for self-supervised validation: what training sees, and the score of a reconstruction
     * function on the measurements it does not see.
     */
    record HeldOut(MeasuredData training, TrainingRun.HeldOutScore score) {

        /** Share of the measurements held out unless a run says otherwise ({@code holdout=}). */
        public static final double DEFAULT_FRACTION = 0.1;

        /** @throws IllegalArgumentException naming {@code holdout=} when {@code fraction} is not in (0, 0.5] */
        static void checkFraction(double fraction, String what) {
            if (!(fraction > 0 && fraction <= 0.5)) {
                throw new IllegalArgumentException("holdout=" + fraction + " must lie in (0, 0.5]: the share of the "
                    + what + " kept out of training to score it (0 = none)");
            }
        }
    }
}
