package org.learnedrecon.solvers.classical;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.learnedrecon.physics.ForwardOperator;

/**
 * CGLS: conjugate gradients on the normal equations {@code A* A x = A* y}, minimising {@code ||A x - y||^2}
 * without forming {@code A* A} (Hestenes-Stiefel / Bjorck's formulation, one {@code A} and one {@code A*} per
 * iteration). Each sample of the batch runs its own CG (per-sample step lengths). From a zero start on an
 * underdetermined system it converges to the minimum-norm least-squares solution; stopping early regularises.
 */
public final class Cgls extends IterativeSolver {

    private Cgls(Builder builder) {
        super(builder);
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String name() {
        return "CGLS";
    }

    @Override
    protected IterationState start(NDArray y, ForwardOperator operator, NDArray x0, NDManager work) {
        NDArray r0 = y.sub(operator.apply(x0));
        NDArray s0 = operator.adjoint(r0);
        NDArray gamma0 = BatchedVectors.dot(s0, s0);
        return new IterationState() {
            private NDArray x = x0;
            private NDArray r = r0;
            private NDArray p = s0;
            private NDArray gamma = gamma0;

            @Override
            public double step(NDManager step, NDManager keep) {
                BatchedVectors.own(step, x, r, p, gamma);
                NDArray q = operator.apply(p);
                NDArray qq = BatchedVectors.dot(q, q);
                // gamma = 0 means this sample has converged: alpha = 0 keeps it there (no 0/0)
                NDArray alpha = gamma.div(qq.maximum(Float.MIN_NORMAL));
                NDArray nextX = x.add(p.mul(BatchedVectors.perSample(alpha, p)));
                NDArray nextR = r.sub(q.mul(BatchedVectors.perSample(alpha, q)));
                NDArray s = operator.adjoint(nextR);
                NDArray nextGamma = BatchedVectors.dot(s, s);
                NDArray beta = nextGamma.div(gamma.maximum(Float.MIN_NORMAL));
                NDArray nextP = s.add(p.mul(BatchedVectors.perSample(beta, p)));
                double change = BatchedVectors.relativeChange(nextX, x);
                BatchedVectors.keep(keep, nextX, nextR, nextP, nextGamma);
                x = nextX;
                r = nextR;
                p = nextP;
                gamma = nextGamma;
                return change;
            }

            @Override
            public NDArray estimate() {
                return x;
            }
        };
    }

    /** CGLS parameters: iterations, tolerance, listener. */
    public static final class Builder extends IterativeSolver.Builder<Builder> {
        public Cgls build() {
            return new Cgls(this);
        }
    }
}
