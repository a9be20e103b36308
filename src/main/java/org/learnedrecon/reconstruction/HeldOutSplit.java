package org.learnedrecon.reconstruction;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.learnedrecon.physics.ForwardOperator;
import org.learnedrecon.physics.ct.ParallelBeamGeometry;
import org.learnedrecon.physics.ct.RayTransform;
import org.learnedrecon.physics.mri.CartesianMriOperator;

/**
 * An acquisition split for cross-validation ({@link HeldOutChoice}): in each fold, the acquisition without some of its
 * measurements ({@link #kept}) and the acquisition of just those ({@link #heldOut}). Each fold's operators are made
 * once and kept, so a learned model loaded for one of them serves every slice.
 */
public interface HeldOutSplit extends AutoCloseable {

    /** The split for {@code operator}'s acquisition: held-out views of a parallel-beam scan, held-out lines of a
     * single-coil line mask.
     *
     * @throws IllegalArgumentException naming what the acquisition lacks
     */
    static HeldOutSplit of(ForwardOperator operator) {
        if (operator instanceof RayTransform scan) {
            if (!(scan.geometry() instanceof ParallelBeamGeometry g)) {
                throw new IllegalArgumentException("Holding out views needs a parallel-beam scan, got "
                    + scan.geometry());
            }
            return new HeldOutViews(g);
        }
        if (operator instanceof CartesianMriOperator mri) {
            if (mri.coils() > 0) {
                throw new IllegalArgumentException("Holding out lines needs single-coil k-space (the "
                    + "learned MRI models are single-coil), got " + mri.coils() + " coils");
            }
            return new HeldOutKspaceLines(mri.mask());
        }
        throw new IllegalArgumentException("No held-out split for " + operator.getClass().getSimpleName()
            + ": CT parallel beam and single-coil Cartesian MRI only");
    }

    /**
     * Checks that {@code operator}'s acquisition splits ({@link #of}).
     *
     * @throws IllegalArgumentException naming what the acquisition lacks
     */
    static void check(ForwardOperator operator) {
        of(operator).close();
    }

    /** Whether {@code operator}'s acquisition splits ({@link #of}). */
    static boolean allows(ForwardOperator operator) {
        try {
            check(operator);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** What is held out, for names and messages: "views", "lines". */
    String heldOut();

    int folds();

    /** Whether {@code operator} is the acquisition this split was made for. */
    boolean fits(ForwardOperator operator);

    /** The whole acquisition. */
    ForwardOperator whole();

    /** The acquisition of the measurements fold {@code fold} keeps. */
    ForwardOperator kept(int fold);

    /** The acquisition of the measurements fold {@code fold} holds out. */
    ForwardOperator heldOut(int fold);

    /** The measurements {@code y} of the whole acquisition, as {@link #kept}{@code (fold)} has them. */
    NDArray keptMeasurements(NDArray y, int fold);

    /** The measurements {@code y} of the whole acquisition, as {@link #heldOut}{@code (fold)} has them. */
    NDArray heldOutMeasurements(NDArray y, int fold);

    /**
     * {@code acquisition} (a split's operator) anew in {@code manager}, differentiable when asked: the operator a
     * learned model is loaded with.
     */
    static ForwardOperator copy(ForwardOperator acquisition, NDManager manager, boolean differentiable) {
        if (acquisition instanceof RayTransform scan) {
            return differentiable ? RayTransform.differentiable(scan.geometry(), manager)
                : RayTransform.matrixFree(scan.geometry());
        }
        return new CartesianMriOperator(manager, ((CartesianMriOperator) acquisition).mask());
    }

    @Override
    void close();
}
