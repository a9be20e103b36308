package org.learnedrecon.solvers.classical;

import ai.djl.ndarray.NDArray;

/**
 * The proximal operator of a convex regulariser {@code g}: {@code prox(x, step) = argmin_z 1/2 ||z - x||^2 +
 * step g(z)}, applied to each sample of a batch {@code (B, domainShape...)}. Plugged into
 * {@link ProximalGradient}; L1-wavelet MRI and plug-and-play denoisers implement it.
 *
 * <p>Implementations must not modify {@code x} and must return a new array in {@code x}'s manager (all
 * temporaries there too: the caller scopes that manager per iteration).
 */
@FunctionalInterface
public interface Proximal {

    NDArray prox(NDArray x, double step);

    /** {@code g = 0}: the identity, which turns FISTA into accelerated gradient descent on least squares. */
    Proximal NONE = (x, step) -> x.duplicate();

    /** {@code g = indicator(x >= 0)}: projection onto the non-negative orthant. */
    Proximal NON_NEGATIVE = (x, step) -> x.maximum(0f);
}
