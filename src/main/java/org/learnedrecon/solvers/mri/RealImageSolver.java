package org.learnedrecon.solvers.mri;

import ai.djl.ndarray.NDArray;
import org.learnedrecon.physics.ForwardOperator;
import org.learnedrecon.physics.mri.ComplexArithmetic;
import org.learnedrecon.physics.mri.RealImageOperator;
import org.learnedrecon.solvers.ProgressMonitor;
import org.learnedrecon.solvers.Solver;

/**
 * Runs a solver over real images ({@link RealImageOperator}) and returns its result as a complex image with
 * imaginary part 0: for simulated data of real images, a baseline that knows the image is real.
 */
public final class RealImageSolver implements Solver {

    private final Solver inner;

    public RealImageSolver(Solver inner) {
        this.inner = inner;
    }

    @Override
    public String name() {
        return inner.name() + ", real image";
    }

    @Override
    public NDArray reconstruct(NDArray measurements, ForwardOperator operator, ProgressMonitor progress) {
        return ComplexArithmetic.fromReal(inner.reconstruct(measurements, new RealImageOperator(operator),
            progress));
    }
}
