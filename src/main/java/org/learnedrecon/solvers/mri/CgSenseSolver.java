package org.learnedrecon.solvers.mri;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.learnedrecon.physics.ForwardOperator;
import org.learnedrecon.solvers.ProgressMonitor;
import org.learnedrecon.solvers.Solver;

/**
 * CG-SENSE: conjugate gradients on the normal equations {@code (A* A + lambda I) x = A* y} from {@code x = 0}
 * (Pruessmann et al. 2001; {@code lambda = 0} is plain CG-SENSE, {@code lambda > 0} Tikhonov regularisation). Works
 * on any {@link ForwardOperator}. Each batch sample has its own step sizes (the system is block diagonal). Stops
 * after {@code iterations} or when every sample's residual norm falls below {@code tolerance} times its initial
 * value.
 */
public final class CgSenseSolver implements Solver {

    private final int iterations;
    private final double lambda;
    private final double tolerance;

    public CgSenseSolver(int iterations, double lambda) {
        this(iterations, lambda, 1e-6);
    }

    public CgSenseSolver(int iterations, double lambda, double tolerance) {
        if (iterations < 1) {
            throw new IllegalArgumentException("Iterations must be at least 1, got " + iterations);
        }
        if (!(lambda >= 0)) {
            throw new IllegalArgumentException("Lambda must be >= 0, got " + lambda);
        }
        this.iterations = iterations;
        this.lambda = lambda;
        this.tolerance = tolerance;
    }

    @Override
    public String name() {
        return "CG-SENSE";
    }

    @Override
    public NDArray reconstruct(NDArray measurements, ForwardOperator operator, ProgressMonitor progress) {
        NDManager parent = measurements.getManager();
        int[] sampleAxes = sampleAxes(operator.domainShape().dimension());
        try (NDManager work = parent.newSubManager()) {
            measurements.tempAttach(work);
            NDArray r = operator.adjoint(measurements);
            NDArray x = r.zerosLike();
            NDArray p = r.duplicate();
            NDArray rr = batchDot(r, r, sampleAxes);
            NDArray rr0 = rr.duplicate();
            for (int k = 0; k < iterations; k++) {
                progress.checkCancelled();
                NDArray xNew;
                NDArray rNew;
                NDArray pNew;
                NDArray rrNew;
                try (NDManager iter = work.newSubManager()) {
                    for (NDArray a : new NDArray[] {x, r, p, rr}) {
                        a.tempAttach(iter);
                    }
                    NDArray ap = operator.normal(p);
                    if (lambda > 0) {
                        ap = ap.add(p.mul((float) lambda));
                    }
                    NDArray pap = batchDot(p, ap, sampleAxes);
                    // guard exactly converged samples (p = 0) against 0/0
                    NDArray alpha = rr.div(pap.maximum(1e-30f));
                    xNew = x.add(p.mul(alpha));
                    rNew = r.sub(ap.mul(alpha));
                    rrNew = batchDot(rNew, rNew, sampleAxes);
                    NDArray beta = rrNew.div(rr.maximum(1e-30f));
                    pNew = rNew.add(p.mul(beta));
                    for (NDArray a : new NDArray[] {xNew, rNew, pNew, rrNew}) {
                        a.attach(work);
                    }
                }
                for (NDArray a : new NDArray[] {x, r, p, rr}) {
                    a.close();
                }
                x = xNew;
                r = rNew;
                p = pNew;
                rr = rrNew;
                progress.progress(k + 1, iterations, name() + " iteration " + (k + 1));
                if (rr.lte(rr0.mul((float) (tolerance * tolerance))).all().getBoolean()) {
                    break;
                }
            }
            x.attach(parent);
            return x;
        }
    }

    /** Per-sample dot products shaped {@code (B, 1, ..., 1)} so they broadcast against samples. */
    static NDArray batchDot(NDArray a, NDArray b, int[] sampleAxes) {
        return a.mul(b).sum(sampleAxes, true);
    }

    static int[] sampleAxes(int sampleDims) {
        int[] axes = new int[sampleDims];
        for (int i = 0; i < sampleDims; i++) {
            axes[i] = i + 1;
        }
        return axes;
    }
}
