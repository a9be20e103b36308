package org.learnedrecon.training;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The bookkeeping of a run saved in each checkpoint's {@code state.json} (weights and optimizer are separate). */
final class TrainingState {

    int epochsDone;
    Map<String, String> fingerprint = new LinkedHashMap<>();
    double intensityScale;
    double baselinePsnr;
    double trainingSeconds;
    List<Double> epochLosses = new ArrayList<>();
    List<Double> validationPsnr = new ArrayList<>();
    List<Double> epochSeconds = new ArrayList<>();
    /** Every step's loss, the loss curve. */
    List<Double> stepLosses = new ArrayList<>();
}
