package org.learnedrecon.physics.mri;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;

/**
 * Complex arithmetic on arrays whose complex axis (length 2: real, imaginary) is third from last,
 * {@code (..., 2, H, W)}, written with real DJL operations only so autograd passes through. Operands broadcast in
 * the usual way; results are attached to the manager of the first operand.
 */
public final class ComplexArithmetic {

    private ComplexArithmetic() {
    }

    /** {@code a * b}. */
    public static NDArray multiply(NDArray a, NDArray b) {
        return multiply(a, b, false);
    }

    /** {@code a * conj(b)}. */
    public static NDArray multiplyConjugate(NDArray a, NDArray b) {
        return multiply(a, b, true);
    }

    private static NDArray multiply(NDArray a, NDArray b, boolean conjugateB) {
        return multiply(a, real(b), imaginary(b), conjugateB);
    }

    /**
     * {@code a * b} (or {@code a * conj(b)}) with {@code b} given as its real and imaginary parts {@code (..., H, W)}.
     * Every new array, views included, belongs to the manager of {@code a}: callers holding a long-lived {@code b}
     * (coil maps) pass its parts so that no per-call view lands in {@code b}'s manager.
     */
    public static NDArray multiply(NDArray a, NDArray br, NDArray bi, boolean conjugateB) {
        NDArray ar = real(a);
        NDArray ai = imaginary(a);
        NDArray re;
        NDArray im;
        if (conjugateB) {
            re = ar.mul(br).add(ai.mul(bi));
            im = ai.mul(br).sub(ar.mul(bi));
        } else {
            re = ar.mul(br).sub(ai.mul(bi));
            im = ar.mul(bi).add(ai.mul(br));
        }
        return re.stack(im, -3);
    }

    /** {@code |a|} of {@code (..., 2, H, W)} as {@code (..., H, W)}. */
    public static NDArray magnitude(NDArray a) {
        NDArray re = real(a);
        NDArray im = imaginary(a);
        return re.square().add(im.square()).sqrt();
    }

    /** The real image {@code x} {@code (..., H, W)} as a complex one {@code (..., 2, H, W)}, imaginary part 0. */
    public static NDArray fromReal(NDArray x) {
        return x.stack(x.zerosLike(), -3);
    }

    /** The real part {@code (..., H, W)}. */
    public static NDArray real(NDArray a) {
        return a.get(new NDIndex("..., 0, :, :"));
    }

    /** The imaginary part {@code (..., H, W)}. */
    public static NDArray imaginary(NDArray a) {
        return a.get(new NDIndex("..., 1, :, :"));
    }
}
