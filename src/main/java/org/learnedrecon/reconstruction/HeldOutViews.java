package org.learnedrecon.reconstruction;

import ai.djl.ndarray.NDArray;
import java.util.stream.IntStream;
import org.learnedrecon.physics.ForwardOperator;
import org.learnedrecon.physics.ct.ParallelBeamGeometry;
import org.learnedrecon.physics.ct.RayTransform;
import org.learnedrecon.physics.ct.ViewSplitRayTransform;

/**
 * Held-out views of a parallel-beam scan: fold {@code f} holds out the views {@code v} with
 * {@code v mod }{@value #EVERY}{@code  = f * EVERY / FOLDS} (every 10th view, offsets 0 and 5), which spread over the
 * whole range; at least {@value #MIN_VIEWS} views, so a fold holds out two.
 */
final class HeldOutViews implements HeldOutSplit {

    static final int EVERY = 10;
    static final int FOLDS = 2;
    static final int MIN_VIEWS = 2 * EVERY;

    private final ParallelBeamGeometry scan;
    private final RayTransform whole;
    private final int[][] kept = new int[FOLDS][];
    private final int[][] held = new int[FOLDS][];
    private final RayTransform[] keptScans = new RayTransform[FOLDS];
    private final RayTransform[] heldScans = new RayTransform[FOLDS];

    HeldOutViews(ParallelBeamGeometry scan) {
        int views = scan.angleCount();
        if (views < MIN_VIEWS) {
            throw new IllegalArgumentException("Holding out every " + EVERY + "th view needs at least " + MIN_VIEWS
                + " views, got views=" + views);
        }
        this.scan = scan;
        this.whole = RayTransform.matrixFree(scan);
        for (int f = 0; f < FOLDS; f++) {
            int offset = f * EVERY / FOLDS;
            kept[f] = IntStream.range(0, views).filter(v -> v % EVERY != offset).toArray();
            held[f] = IntStream.range(0, views).filter(v -> v % EVERY == offset).toArray();
            keptScans[f] = RayTransform.matrixFree(scan.ofViews(kept[f]));
            heldScans[f] = RayTransform.matrixFree(scan.ofViews(held[f]));
        }
    }

    @Override
    public String heldOut() {
        return "views";
    }

    @Override
    public int folds() {
        return FOLDS;
    }

    @Override
    public boolean fits(ForwardOperator operator) {
        return operator instanceof RayTransform r && scan.sameScan(r.geometry(), 1e-9);
    }

    @Override
    public ForwardOperator whole() {
        return whole;
    }

    @Override
    public ForwardOperator kept(int fold) {
        return keptScans[fold];
    }

    @Override
    public ForwardOperator heldOut(int fold) {
        return heldScans[fold];
    }

    @Override
    public NDArray keptMeasurements(NDArray y, int fold) {
        return ViewSplitRayTransform.rows(y, kept[fold]);
    }

    @Override
    public NDArray heldOutMeasurements(NDArray y, int fold) {
        return ViewSplitRayTransform.rows(y, held[fold]);
    }

    @Override
    public void close() {
    }
}
