package org.learnedrecon.training;

import java.util.Collections;
import java.util.List;

/** What a finished (or resumed and finished) training run reports. */
public final class TrainingResult {

    public final List<EpochRecord> epochs;
    /** Every step's training loss over the whole run, including steps before a resume. */
    public final List<Double> stepLosses;
    /** Validation PSNR of the baseline (initial reconstruction or noisy input), for comparison. */
    public final double baselinePsnr;
    public final double trainingSeconds;
    public final double intensityScale;
    /** The epoch count of the checkpoint the run resumed from; 0 when it started fresh. */
    public final int resumedFromEpoch;
    /**
     * Index into {@link #epochs} of the epoch whose weights the network holds at the end (the best or the last), or
     * -1 when it holds the weights training started from (measured data whose held-out part no epoch predicted
     * better, or a distillation whose check kept the {@code init=} model: {@link #withStartingWeights}).
     */
    public final int modelEpoch;

    TrainingResult(List<EpochRecord> epochs, List<Double> stepLosses, double baselinePsnr, double trainingSeconds,
        double intensityScale, int resumedFromEpoch, int modelEpoch) {
        this.epochs = Collections.unmodifiableList(epochs);
        this.stepLosses = Collections.unmodifiableList(stepLosses);
        this.baselinePsnr = baselinePsnr;
        this.trainingSeconds = trainingSeconds;
        this.intensityScale = intensityScale;
        this.resumedFromEpoch = resumedFromEpoch;
        this.modelEpoch = modelEpoch;
    }

    /**
     * The epoch whose weights the trained network holds; when it holds the starting weights, a record of epoch -1
     * with the starting model's score, named as the epochs' scores are.
     */
    public EpochRecord model() {
        if (modelEpoch >= 0) {
            return epochs.get(modelEpoch);
        }
        return new EpochRecord(-1, Double.NaN, baselinePsnr, 0,
            epochs.isEmpty() ? "validation PSNR" : epochs.get(0).scoreName);
    }

    /** This result with the weights training started from as the model written ({@link #modelEpoch} -1). */
    TrainingResult withStartingWeights() {
        return new TrainingResult(epochs, stepLosses, baselinePsnr, trainingSeconds, intensityScale, resumedFromEpoch,
            -1);
    }

    public EpochRecord last() {
        return epochs.get(epochs.size() - 1);
    }
}
