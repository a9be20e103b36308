package org.learnedrecon.reconstruction;

import ai.djl.ndarray.NDArray;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.learnedrecon.physics.ForwardOperator;
import org.learnedrecon.physics.ct.ParallelBeamGeometry;
import org.learnedrecon.physics.ct.RayTransform;
import org.learnedrecon.physics.ct.ViewSplitRayTransform;

/**
 * Held-out views of a parallel-beam scan, two folds. {@link #interleaved}: fold {@code f} holds out the views
 * {@code v} with {@code v mod }{@value #EVERY}{@code  = f * EVERY / FOLDS} (every 10th view, offsets 0 and 5), which
 * spread over the whole range; at least {@value #MIN_VIEWS} views, so a fold holds out two. {@link #ends}: at limited
 * angle, fold 0 holds out the tenth of the views next to one side of the missing wedge and fold 1 the tenth next to the
 * other, so the kept views leave a wider wedge and the held-out ones lie in it.
 */
final class HeldOutViews implements HeldOutSplit {

    static final int EVERY = 10;
    static final int FOLDS = 2;
    static final int MIN_VIEWS = 2 * EVERY;
    /** A gap this many times the median gap between views is a missing wedge ({@link #wedge}). */
    static final double WEDGE = 3;
    /**
     * The narrowest wedge {@link #ends} holds out views next to. Measured on the warm chain (README, "Views next to
     * the missing wedge"): at 90 views over 120 degrees (a 61-degree gap) the views next to it calibrated better than
     * every 10th view, at 60 views over 150 degrees (a 33-degree gap) worse; between the two nothing was measured.
     */
    static final double MIN_WEDGE_DEGREES = 45;

    private final ParallelBeamGeometry scan;
    private final RayTransform whole;
    private final boolean nextToWedge;
    private final int[][] kept;
    private final int[][] held;
    private final RayTransform[] keptScans;
    private final RayTransform[] heldScans;

    private HeldOutViews(ParallelBeamGeometry scan, int[][] heldOutViews, boolean nextToWedge) {
        this.scan = scan;
        this.nextToWedge = nextToWedge;
        this.whole = RayTransform.matrixFree(scan);
        int views = scan.angleCount();
        int folds = heldOutViews.length;
        kept = new int[folds][];
        held = new int[folds][];
        keptScans = new RayTransform[folds];
        heldScans = new RayTransform[folds];
        for (int f = 0; f < folds; f++) {
            Set<Integer> out = Arrays.stream(heldOutViews[f]).boxed().collect(Collectors.toSet());
            held[f] = heldOutViews[f].clone();
            kept[f] = IntStream.range(0, views).filter(v -> !out.contains(v)).toArray();
            keptScans[f] = RayTransform.matrixFree(scan.ofViews(kept[f]));
            heldScans[f] = RayTransform.matrixFree(scan.ofViews(held[f]));
        }
    }

    private static void requireViews(ParallelBeamGeometry scan) {
        if (scan.angleCount() < MIN_VIEWS) {
            throw new IllegalArgumentException("Holding out every " + EVERY + "th view needs at least " + MIN_VIEWS
                + " views, got views=" + scan.angleCount());
        }
    }

    /** Every 10th view held out, offsets 0 and 5. */
    static HeldOutViews interleaved(ParallelBeamGeometry scan) {
        requireViews(scan);
        int views = scan.angleCount();
        int[][] held = new int[FOLDS][];
        for (int f = 0; f < FOLDS; f++) {
            int offset = f * EVERY / FOLDS;
            held[f] = IntStream.range(0, views).filter(v -> v % EVERY == offset).toArray();
        }
        return new HeldOutViews(scan, held, false);
    }

    /**
     * At limited angle ({@link #wedge} finds one of at least {@value #MIN_WEDGE_DEGREES} degrees), the tenth of the
     * views on each side of the missing wedge held out, one side per fold; else {@link #interleaved}.
     */
    static HeldOutViews ends(ParallelBeamGeometry scan) {
        requireViews(scan);
        Wedge wedge = wedge(scan.angles());
        if (wedge == null || wedge.degrees() < MIN_WEDGE_DEGREES) {
            return interleaved(scan);
        }
        int[] order = wedge.views();
        int views = order.length;
        int count = views / EVERY;
        return new HeldOutViews(scan, new int[][] {Arrays.copyOfRange(order, 0, count),
            Arrays.copyOfRange(order, views - count, views)}, true);
    }

    /**
     * A missing wedge: the views in order of angle (modulo 180 degrees) starting just after it, and its width in
     * degrees (the gap from the last of them round to the first).
     */
    record Wedge(int[] views, double degrees) {
    }

    /**
     * The scan's missing wedge, or {@code null} when it has none: a wedge is a gap between angularly adjacent views
     * more than {@value #WEDGE} times their median gap.
     */
    static Wedge wedge(double[] angles) {
        int n = angles.length;
        double[] folded = new double[n];
        for (int i = 0; i < n; i++) {
            folded[i] = ((angles[i] % Math.PI) + Math.PI) % Math.PI;
        }
        Integer[] order = IntStream.range(0, n).boxed().toArray(Integer[]::new);
        Arrays.sort(order, (a, b) -> Double.compare(folded[a], folded[b]));
        double[] gaps = new double[n];
        int widest = 0;
        for (int i = 0; i < n; i++) {
            double next = i + 1 < n ? folded[order[i + 1]] : folded[order[0]] + Math.PI;
            gaps[i] = next - folded[order[i]];
            widest = gaps[i] > gaps[widest] ? i : widest;
        }
        double widestGap = gaps[widest];
        double[] sorted = gaps.clone();
        Arrays.sort(sorted);
        if (widestGap <= WEDGE * sorted[n / 2]) {
            return null;
        }
        int[] result = new int[n];
        for (int i = 0; i < n; i++) {
            result[i] = order[(widest + 1 + i) % n];
        }
        return new Wedge(result, Math.toDegrees(widestGap));
    }

    /** Whether the folds hold out the views next to a missing wedge ({@link #ends}). */
    boolean nextToWedge() {
        return nextToWedge;
    }

    @Override
    public String heldOut() {
        return "views";
    }

    @Override
    public int folds() {
        return held.length;
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
