package org.learnedrecon.solvers.mri;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.learnedrecon.physics.ForwardOperator;
import org.learnedrecon.solvers.ProgressMonitor;
import org.learnedrecon.solvers.Solver;
import org.learnedrecon.solvers.classical.BatchedVectors;

/**
 * Runs an MRI solver on k-space divided, per sample, by the peak magnitude of its zero-filled image
 * ({@code max |A^H y|}), and multiplies the result back. The regularisation weights of {@link MriSolverFactory}
 * ({@link MriSolverFactory#defaultLambda}) are tuned for that scaling, so they mean the same whatever the intensity
 * units of the data. A sample whose zero-filled image is all zero is left unscaled.
 *
 * <p>The operator's images are complex, {@code (2, H, W)} per sample (real, imaginary), as for
 * {@link org.learnedrecon.physics.mri.CartesianMriOperator}.
 */
public final class PeakNormalisedSolver implements Solver {

    private final Solver inner;

    public PeakNormalisedSolver(Solver inner) {
        this.inner = inner;
    }

    @Override
    public String name() {
        return inner.name();
    }

    @Override
    public NDArray reconstruct(NDArray measurements, ForwardOperator operator, ProgressMonitor progress) {
        NDManager outer = measurements.getManager();
        try (NDManager scope = outer.newSubManager()) {
            NDArray y = measurements.duplicate();
            y.attach(scope);
            NDArray scale = scales(y, operator);
            NDArray x = inner.reconstruct(y.div(BatchedVectors.perSample(scale, y)), operator, progress);
            NDArray result = x.mul(BatchedVectors.perSample(scale, x));
            result.attach(outer);
            return result;
        }
    }

    /**
     * The scale of each sample, {@code (B)}: the peak magnitude of its zero-filled image, or 1 when that is all
     * zero. Attached to the measurements' manager.
     */
    public static NDArray scales(NDArray measurements, ForwardOperator operator) {
        long batch = measurements.getShape().get(0);
        NDArray zeroFilled = operator.adjoint(measurements);
        // Magnitude over the real/imaginary axis (axis 1), then the peak of each sample.
        NDArray peak = zeroFilled.square().sum(new int[] {1}).sqrt().reshape(batch, -1).max(new int[] {1});
        return peak.gt(0).toType(peak.getDataType(), false).mul(peak)
            .add(peak.gt(0).logicalNot().toType(peak.getDataType(), false));
    }
}
