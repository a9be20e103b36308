package org.learnedrecon.training;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The record of the weights a run ends with, also when it keeps the weights it started from. */
class TrainingResultTest {

    @Test
    void aKeptStartIsNamedAsTheEpochsScores() {
        String score = "held-out measurement score";
        List<EpochRecord> epochs = List.of(new EpochRecord(0, 0.5, 2.1, 1, score),
            new EpochRecord(1, 0.4, 2.0, 1, score));
        TrainingResult kept = new TrainingResult(epochs, List.of(0.5, 0.4), 2.7, 2, 1, 0, -1);
        assertEquals(-1, kept.model().epoch);
        assertEquals(2.7, kept.model().validationPsnr, 0);
        assertEquals(score, kept.model().scoreName);
        TrainingResult best = new TrainingResult(epochs, List.of(0.5, 0.4), 1.9, 2, 1, 0, 0);
        assertEquals(2.1, best.model().validationPsnr, 0);
        TrainingResult none = new TrainingResult(List.of(), List.of(), 20, 0, 1, 0, -1);
        assertEquals("validation PSNR", none.model().scoreName);
    }
}
