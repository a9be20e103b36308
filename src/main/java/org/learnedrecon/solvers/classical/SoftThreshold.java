package org.learnedrecon.solvers.classical;

import ai.djl.ndarray.NDArray;

/**
 * Proximal operator of {@code g(x) = lambda ||x||_1} (element-wise): soft thresholding
 * {@code sign(x) max(|x| - step lambda, 0)}. The LASSO regulariser; applied to wavelet coefficients it gives
 * L1-wavelet reconstruction.
 */
public final class SoftThreshold implements Proximal {

    private final double lambda;

    /** @param lambda the L1 weight, finite and {@code >= 0} */
    public SoftThreshold(double lambda) {
        if (!(lambda >= 0) || Double.isInfinite(lambda)) {
            throw new IllegalArgumentException("Soft threshold: lambda must be a finite number >= 0, got " + lambda);
        }
        this.lambda = lambda;
    }

    public double lambda() {
        return lambda;
    }

    @Override
    public NDArray prox(NDArray x, double step) {
        float threshold = (float) (step * lambda);
        return x.abs().subi(threshold).maximum(0f).muli(x.sign());
    }
}
