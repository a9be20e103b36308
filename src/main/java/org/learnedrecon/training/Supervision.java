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
    SPLIT,
    /**
     * Measured data reconstructed by the choice by held-out measurements ({@link ChoiceTeacher}), whose images the
     * network learns to reproduce through the data's own scan (distilling the choice): supervised, with the teacher's
     * images standing in for clean ones. Any reconstruction network.
     */
    CHOICE;

    /** Whether the network learns from measurements alone (no clean image reaches the loss or chooses the model). */
    public boolean fromMeasurementsOnly() {
        return this != IMAGES;
    }

    /** Whether the loss is computed on measurements ({@link #MEASUREMENTS}, {@link #SPLIT}), not on images. */
    public boolean lossOnMeasurements() {
        return this == MEASUREMENTS || this == SPLIT;
    }

    /**
     * {@code images}, {@code measurements}, {@code split} or {@code choice} (any case; {@code Measurements only},
     * {@code Measurements only (split)} and {@code Choice by held-out measurements (distil)} as in the dialog).
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
        if (v.equals("choice") || v.equals("choice by held-out measurements (distil)")) {
            return CHOICE;
        }
        throw new IllegalArgumentException("supervision=" + value
            + " is unknown: choose images, measurements, split or choice");
    }
}
