package org.learnedrecon.training;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.learnedrecon.runtime.DeepLearningRuntime;
import org.learnedrecon.solvers.ProgressMonitor;

/**
 * After distilling the choice ({@link Supervision#CHOICE}) on k-space from an {@code init=} model: the student and
 * that model, as given, each reconstruct every slice of the measured data in the folds of the choice by held-out
 * lines; the one whose images predict the held-out lines better, summed over the slices, is the model to write. A
 * student taught images its starting model already makes drifts from them: distilling {@code lgd-mri8} on brain
 * slices, where the teacher chose that model itself, cost 0.69 dB, and the held-out lines preferred the starting
 * model on 7 of 8 slices, while they preferred the students that gained 1.1-2.5 dB on natural crops and atlas
 * phantoms (README, "The MRI refiner's start"). Not used in CT: there held-out views preferred the shipped TV refiner
 * to a student 1.8-2.0 dB better at 90 views over 120 degrees, while they preferred the students on four other sets.
 */
final class StudentCheck {

    /**
     * The comparison.
     *
     * @param student the student's held-out score summed over the slices (relative squared residual per slice)
     * @param start the {@code init=} model's
     */
    record Verdict(double student, double start) {

        /** Whether the student predicts the held-out measurements at least as well as the starting model. */
        boolean studentKept() {
            return student <= start;
        }

        /** One line for the log and the metadata. */
        String summary() {
            return String.format(Locale.ROOT, "%s kept: held-out score summed over slices, student %.4g, init= %.4g",
                studentKept() ? "the student" : "the init= model, unchanged,", student, start);
        }
    }

    private StudentCheck() {
    }

    /** Compares the {@code student} with the {@code start} model on {@code data}. */
    static Verdict compare(MeasuredData data, Path student, Path start, DeepLearningRuntime.DeviceChoice device,
            ProgressMonitor progress) {
        double[] scores = ChoiceTeacher.heldOutScores(data, List.of(student.toString(), start.toString()), device,
            progress);
        return new Verdict(scores[0], scores[1]);
    }
}
