package org.learnedrecon.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.IntStream;
import org.learnedrecon.physics.ct.ParallelBeamGeometry;
import org.learnedrecon.physics.ct.RayTransform;
import org.learnedrecon.physics.ct.ViewSplitRayTransform;

/**
 * Measured sinogram views kept out of training to score it: CT's counterpart of {@link HeldOutLines}. A share of the
 * views, spread evenly over the scan's range, is removed from the training data (the network then learns from the
 * scan of the remaining views); after every epoch it reconstructs each slice from the remaining views and is scored
 * on how well the removed ones are predicted ({@link HeldOutPrediction}, {@code A_V} the ray transform of those
 * views). {@link TrainingRun} keeps the epoch with the best score, and the starting model ({@code init=}) when no epoch
 * predicts the held-out views better. At least {@value #MIN_HELD_OUT} views are held out (so a 0.1 share needs 20
 * views); fewer leave every view to training.
 */
final class HeldOutSinogramViews {

    static final int MIN_HELD_OUT = 2;

    private final ParallelBeamGeometry scan;
    private final int[] kept;
    private final int[] held;

    private HeldOutSinogramViews(ParallelBeamGeometry scan, int[] kept, int[] held) {
        this.scan = scan;
        this.kept = kept;
        this.held = held;
    }

    /**
     * Holds out {@code floor(fraction x views)} views, view {@code floor((k + 1/2) views / count)} for the k-th, so
     * that they spread over the range; empty when that is fewer than {@value #MIN_HELD_OUT}.
     *
     * @throws IllegalArgumentException naming {@code holdout=} when the fraction is not in (0, 0.5]
     */
    static Optional<HeldOutSinogramViews> choose(ParallelBeamGeometry scan, double fraction) {
        MeasuredData.HeldOut.checkFraction(fraction, "sinogram views");
        int views = scan.angleCount();
        int count = (int) Math.floor(fraction * views + 1e-9);
        if (count < MIN_HELD_OUT) {
            return Optional.empty();
        }
        int[] held = IntStream.range(0, count).map(k -> (int) ((k + 0.5) * views / count)).toArray();
        int[] kept = IntStream.range(0, views).filter(v -> Arrays.binarySearch(held, v) < 0).toArray();
        return Optional.of(new HeldOutSinogramViews(scan, kept, held));
    }

    /** The views training keeps (indices into the scan's angles). */
    int[] kept() {
        return kept.clone();
    }

    /** The scan of the views training keeps. */
    ParallelBeamGeometry keptScan() {
        return scan.ofViews(kept);
    }

    /** {@code sinogram} ({@code views x detectors}) with only the kept views' rows. */
    float[] keptRows(float[] sinogram) {
        int detectors = scan.detectorCount();
        float[] out = new float[kept.length * detectors];
        for (int i = 0; i < kept.length; i++) {
            System.arraycopy(sinogram, kept[i] * detectors, out, i * detectors, detectors);
        }
        return out;
    }

    /**
     * The score of a reconstruction on these held-out views of {@code full} (the measured sinograms), the network
     * reconstructing from {@code training} (the same slices with the kept views only), {@code batch} slices at a
     * time.
     */
    TrainingRun.HeldOutScore scoreOn(TrainingImages full, TrainingImages training, int batch) {
        RayTransform onHeldOut = RayTransform.matrixFree(scan.ofViews(held));
        return new HeldOutPrediction(full, new Shape(scan.angleCount(), scan.detectorCount()), training,
            new Shape(kept.length, scan.detectorCount()), batch, scope -> new HeldOutPrediction.Split(
                y -> ViewSplitRayTransform.rows(y, held), onHeldOut::apply), description());
    }

    /** For metadata and logs. */
    String description() {
        return String.format(Locale.ROOT, "%d of %d sinogram views held out for validation", held.length,
            scan.angleCount());
    }
}
