package org.learnedrecon.training;

import java.util.Locale;

/** What a reconstruction network learns from ({@code supervision=} of TrainMain and Train Solver). */
public enum Supervision {
    /** Pairs of simulated measurements and the clean images they came from: mean squared error to the image. */
    IMAGES,
    /**
     * The simulated measurements alone ({@link EquivariantImagingLoss}); the clean images only make the
     * measurements. Needs a network that applies the operator inside itself (LGD, LPD).
     */
    MEASUREMENTS;

    /** {@code images} or {@code measurements} (any case; {@code Measurements only} as in the dialog). */
    public static Supervision parse(String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        if (v.equals("images")) {
            return IMAGES;
        }
        if (v.equals("measurements") || v.equals("measurements only")) {
            return MEASUREMENTS;
        }
        throw new IllegalArgumentException("supervision=" + value + " is unknown: choose images or measurements");
    }
}
