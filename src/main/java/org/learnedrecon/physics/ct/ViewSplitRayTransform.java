package org.learnedrecon.physics.ct;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Random;
import org.learnedrecon.physics.ForwardOperator;
import org.learnedrecon.physics.ForwardingOperator;
import org.learnedrecon.physics.RandomAcquisitionOperator;

/**
 * A parallel-beam scan whose views can be split into {@code K} interleaved subsets, view {@code v} in subset
 * {@code v mod K} (each subset spans the whole angular range), for Noise2Inverse training
 * ({@code org.learnedrecon.training.Noise2InverseLoss}). {@link #useComplement} makes the operator the scan of all
 * views but one subset's, a {@link RayTransform} of just those angles, so a network holding this operator sees a
 * genuine sparser scan (its FBP on scale, its norm that of the subset) rather than zeroed views;
 * {@code useComplement(-1)} makes it the whole scan again. The subsets' transforms are built once, on first use,
 * and kept.
 */
public final class ViewSplitRayTransform extends ForwardingOperator implements RandomAcquisitionOperator {

    private final NDManager manager;
    private final RayTransform full;
    private final ParallelBeamGeometry geometry;
    private final int splits;
    /** By subset index: the views not in it ({@link #complement}) and those in it ({@link #subset}). */
    private final Map<Integer, RayTransform> complements = new HashMap<>();
    private final Map<Integer, RayTransform> subsets = new HashMap<>();
    private final Map<RayTransform, Double> norms = new HashMap<>();
    private RayTransform current;

    /**
     * @param full the whole scan, parallel beam, at least {@code 2 * splits} views
     * @param splits {@code K >= 2}
     * @throws IllegalArgumentException for another geometry or too few views, naming the numbers
     */
    public ViewSplitRayTransform(NDManager manager, RayTransform full, int splits) {
        if (!(full.geometry() instanceof ParallelBeamGeometry)) {
            throw new IllegalArgumentException("Splitting the views (Noise2Inverse) needs a parallel-beam scan, got "
                + full.geometry());
        }
        int views = full.geometry().angleCount();
        if (splits < 2 || views < 2 * splits) {
            throw new IllegalArgumentException("Splitting " + views + " views into " + splits + " interleaved subsets"
                + " needs at least 2 subsets of at least 2 views each");
        }
        this.manager = manager;
        this.full = full;
        this.geometry = (ParallelBeamGeometry) full.geometry();
        this.splits = splits;
        this.current = full;
    }

    public int splits() {
        return splits;
    }

    /** The views of subset {@code j}: {@code j, j + K, j + 2K, ...}. */
    public int[] views(int j) {
        return viewsWhere(v -> v % splits == j);
    }

    /** The views of every subset but {@code j}, in order. */
    public int[] complementViews(int j) {
        return viewsWhere(v -> v % splits != j);
    }

    private int[] viewsWhere(java.util.function.IntPredicate keep) {
        return java.util.stream.IntStream.range(0, geometry.angleCount()).filter(keep).toArray();
    }

    /** The scan of subset {@code j}'s views alone (kept; do not close). */
    public RayTransform subset(int j) {
        return subsets.computeIfAbsent(j, k -> transform(views(k)));
    }

    /** The scan of every view but subset {@code j}'s (kept; do not close). */
    public RayTransform complement(int j) {
        return complements.computeIfAbsent(j, k -> transform(complementViews(k)));
    }

    private RayTransform transform(int[] views) {
        return RayTransform.differentiable(geometry.ofViews(views), manager);
    }

    /**
     * Until the next call, this operator is the scan of every view but subset {@code j}'s ({@link #complement});
     * {@code j < 0}: the whole scan.
     */
    public void useComplement(int j) {
        current = j < 0 ? full : complement(j);
    }

    /** The rows {@code views} of sinograms {@code (B, views, detectors)} of the whole scan, in a new array. */
    public static NDArray rows(NDArray sinograms, int[] views) {
        Shape s = sinograms.getShape();
        int detectors = (int) s.get(2);
        int all = (int) s.get(1);
        float[] data = RayTransform.floats(sinograms);
        int batch = (int) s.get(0);
        float[] out = new float[batch * views.length * detectors];
        for (int b = 0; b < batch; b++) {
            for (int i = 0; i < views.length; i++) {
                System.arraycopy(data, (b * all + views[i]) * detectors, out, (b * views.length + i) * detectors,
                    detectors);
            }
        }
        return sinograms.getManager().create(out, new Shape(batch, views.length, detectors));
    }

    @Override
    public ForwardOperator operator() {
        return current;
    }

    /** Nothing to draw: the whole scan is fixed; the subsets are chosen by {@link #useComplement}. */
    @Override
    public void draw(Random random) {
        current = full;
    }

    /** The norm of the current scan (estimated once per subset, 30 power iterations). */
    @Override
    public OptionalDouble drawNorm() {
        RayTransform scan = current;
        return OptionalDouble.of(norms.computeIfAbsent(scan, t -> {
            try (NDManager scope = manager.newSubManager()) {
                return t.normEstimate(scope, 30);
            }
        }));
    }
}
