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
    MEASUREMENTS,
    /**
     * The measurements alone, split per batch into the network's part and the loss's part
     * ({@link SplitMeasurementLoss}: SSDU, MRI k-space lines; {@link Noise2InverseLoss}: the views of a CT scan).
     * Also needs LGD or LPD.
     */
    SPLIT;

    /** Whether the network learns from measurements alone (no clean image reaches the loss). */
    public boolean fromMeasurementsOnly() {
        return this != IMAGES;
    }

    /**
     * {@code images}, {@code measurements} or {@code split} (any case; {@code Measurements only} and
     * {@code Measurements only (split)} as in the dialog).
     */
    public static Supervision parse(String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        if (v.equals("images")) {
            return IMAGES;
        }
        if (v.equals("measurements") || v.equals("measurements only")) {
            return MEASUREMENTS;
        }
        if (v.equals("split") || v.equals("measurements only (split)")) {
            return SPLIT;
        }
        throw new IllegalArgumentException("supervision=" + value
            + " is unknown: choose images, measurements or split");
    }
}
