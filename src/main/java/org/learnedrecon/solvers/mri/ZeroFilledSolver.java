package org.learnedrecon.solvers.mri;

import ai.djl.ndarray.NDArray;
import org.learnedrecon.physics.ForwardOperator;
import org.learnedrecon.physics.ResultScope;
import org.learnedrecon.physics.mri.CenteredFft;
import org.learnedrecon.physics.mri.ComplexArithmetic;
import org.learnedrecon.solvers.ProgressMonitor;
import org.learnedrecon.solvers.Solver;

/**
 * Zero-filled reconstruction: unsampled k-space entries are taken as 0 (as {@code CartesianMriOperator} produces
 * them). {@link Combination#ADJOINT} returns {@code A* y}: the inverse FFT for single-coil data, the SENSE coil
 * combination {@code sum_c conj(S_c) F* y_c} for multi-coil data. {@link Combination#ROOT_SUM_OF_SQUARES} needs no
 * maps: {@code sqrt(sum_c |F* y_c|^2)} as the real part (imaginary 0), for k-space {@code (B, [C,] 2, H, W)}.
 */
public final class ZeroFilledSolver implements Solver {

    /** How coil images are combined. */
    public enum Combination {
        ADJOINT, ROOT_SUM_OF_SQUARES
    }

    private final Combination combination;

    public ZeroFilledSolver(Combination combination) {
        this.combination = combination;
    }

    @Override
    public String name() {
        return combination == Combination.ADJOINT ? "Zero-filled" : "Zero-filled RSS";
    }

    @Override
    public NDArray reconstruct(NDArray measurements, ForwardOperator operator, ProgressMonitor progress) {
        progress.checkCancelled();
        NDArray result;
        if (combination == Combination.ADJOINT) {
            result = operator.adjoint(measurements);
        } else {
            result = ResultScope.compute(measurements, y -> {
                NDArray images = CenteredFft.inverse(y);
                NDArray power = images.square();
                NDArray rss = images.getShape().dimension() == 5 ? power.sum(new int[] {1, 2}).sqrt()
                    : power.sum(new int[] {1}).sqrt();
                return ComplexArithmetic.fromReal(rss);
            });
        }
        progress.progress(1, 1, name());
        return result;
    }
}
