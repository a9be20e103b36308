package org.learnedrecon.learned;

import ai.djl.ndarray.NDArray;
import org.learnedrecon.physics.ForwardOperator;
import org.learnedrecon.solvers.classical.BatchedVectors;

/**
 * The data step of plug-and-play splitting and of diffusion posterior sampling: the proximal point of the least
 * squares term, {@code x = argmin_x ||A x - y||^2 + mu ||x - z||^2}, i.e. {@code (A*A + mu) x = A* y + mu z}, by a
 * fixed number of conjugate-gradient iterations warm-started at {@code z}, per sample of the batch. {@code mu} is a
 * scalar or one value per sample (shape {@code (B, 1, ..., 1)}, broadcast over each sample).
 *
 * <p>Temporaries are attached to {@code z}'s manager ({@code z} and the iterates are the first operands), so a caller
 * that holds {@code z} in a scoped manager frees them with it.
 */
final class QuadraticDataStep {

    private QuadraticDataStep() {
    }

    /** With one {@code mu} for the whole batch. */
    static NDArray solve(ForwardOperator operator, NDArray adjointY, NDArray z, double mu, int iterations) {
        NDArray m = z.getManager().create((float) mu);
        return solve(operator, adjointY, z, m, iterations);
    }

    /** With {@code mu} a scalar array or one value per sample, {@code (B, 1, ..., 1)}. */
    static NDArray solve(ForwardOperator operator, NDArray adjointY, NDArray z, NDArray mu, int iterations) {
        NDArray x = z;
        NDArray r = z.mul(mu).add(adjointY).sub(normal(operator, x, mu));
        NDArray p = r;
        NDArray rr = BatchedVectors.dot(r, r);
        for (int i = 0; i < iterations; i++) {
            NDArray q = normal(operator, p, mu);
            NDArray alpha = rr.div(BatchedVectors.dot(p, q).maximum(1e-30f));
            x = x.add(p.mul(BatchedVectors.perSample(alpha, p)));
            r = r.sub(q.mul(BatchedVectors.perSample(alpha, q)));
            NDArray next = BatchedVectors.dot(r, r);
            NDArray beta = next.div(rr.maximum(1e-30f));
            p = r.add(p.mul(BatchedVectors.perSample(beta, p)));
            rr = next;
        }
        return x;
    }

    private static NDArray normal(ForwardOperator operator, NDArray v, NDArray mu) {
        return operator.adjoint(operator.apply(v)).add(v.mul(mu));
    }
}
