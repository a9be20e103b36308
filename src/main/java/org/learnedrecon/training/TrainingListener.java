package org.learnedrecon.training;

import java.nio.file.Path;

/** Observes a training run: loss curve points, epoch summaries, checkpoints. All methods default to nothing. */
public interface TrainingListener {

    TrainingListener NONE = new TrainingListener() {
    };

    /** After each optimisation step; {@code step} counts from 0 within the epoch. */
    default void stepFinished(int epoch, int step, int stepsPerEpoch, double loss) {
    }

    /** After each epoch's validation. */
    default void epochFinished(EpochRecord record) {
    }

    /** A line worth telling the user, e.g. what the teacher of {@link Supervision#CHOICE} chose. */
    default void note(String message) {
    }

    /** After a checkpoint was written completely. */
    default void checkpointWritten(int epochsDone, Path directory) {
    }
}
