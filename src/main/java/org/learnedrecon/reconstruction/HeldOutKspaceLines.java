package org.learnedrecon.reconstruction;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.learnedrecon.physics.ForwardOperator;
import org.learnedrecon.physics.mri.CartesianMriOperator;
import org.learnedrecon.physics.mri.SamplingMask;

/**
 * Held-out k-space lines of a single-coil line mask: of the sampled lines outside the fully sampled centre band
 * ({@link SamplingMask#outerLines}, in order), fold {@code f} holds out every {@value #EVERY}th from the
 * {@code f}th ({@value #FOLDS} folds, so 3 of every 5 outer lines are held out once); the centre stays in every
 * fold, as a reconstruction needs it. At least {@value #EVERY} outer lines (two per fold); at 8x on 128 lines with a
 * centre of 32 % / 8 there are 10 or 11.
 */
final class HeldOutKspaceLines implements HeldOutSplit {

    static final int EVERY = 5;
    static final int FOLDS = 3;

    private final NDManager manager = NDManager.newBaseManager();
    private final SamplingMask mask;
    private final CartesianMriOperator whole;
    private final CartesianMriOperator[] kept = new CartesianMriOperator[FOLDS];
    private final CartesianMriOperator[] held = new CartesianMriOperator[FOLDS];

    HeldOutKspaceLines(SamplingMask mask) {
        List<Integer> outer = mask.isLineMask() ? mask.outerLines() : List.of();
        if (outer.size() < EVERY) {
            manager.close();
            throw new IllegalArgumentException("Holding out k-space lines outside the "
                + "sampled centre needs a line mask with at least " + EVERY + " of them, got "
                + (mask.isLineMask() ? outer.size() + " outer lines" : "a mask that is not of lines"));
        }
        this.mask = mask;
        this.whole = new CartesianMriOperator(manager, mask);
        for (int f = 0; f < FOLDS; f++) {
            List<Integer> out = new ArrayList<>();
            for (int i = f; i < outer.size(); i += EVERY) {
                out.add(outer.get(i));
            }
            kept[f] = new CartesianMriOperator(manager, mask.columns(out, false));
            held[f] = new CartesianMriOperator(manager, mask.columns(out, true));
        }
    }

    @Override
    public String heldOut() {
        return "lines";
    }

    @Override
    public int folds() {
        return FOLDS;
    }

    @Override
    public boolean fits(ForwardOperator operator) {
        return operator instanceof CartesianMriOperator m && m.coils() == 0
            && Arrays.equals(m.mask().values(), mask.values()) && m.mask().width() == mask.width();
    }

    @Override
    public ForwardOperator whole() {
        return whole;
    }

    @Override
    public ForwardOperator kept(int fold) {
        return kept[fold];
    }

    @Override
    public ForwardOperator heldOut(int fold) {
        return held[fold];
    }

    @Override
    public NDArray keptMeasurements(NDArray y, int fold) {
        return masked(y, kept[fold].mask());
    }

    @Override
    public NDArray heldOutMeasurements(NDArray y, int fold) {
        return masked(y, held[fold].mask());
    }

    private static NDArray masked(NDArray y, SamplingMask lines) {
        try (NDArray m = lines.toNDArray(y.getManager())) {
            return y.mul(m);
        }
    }

    @Override
    public void close() {
        manager.close();
    }
}
