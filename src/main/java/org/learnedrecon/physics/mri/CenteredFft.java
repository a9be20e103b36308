package org.learnedrecon.physics.mri;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;

/**
 * The orthonormal centred 2D discrete Fourier transform used by every MRI class, on complex images stored with a
 * real axis of length 2 just before the two image axes: {@code (..., 2, H, W)} holds (real, imaginary).
 *
 * <p>Convention (BART's {@code fft -u 3} / fastMRI's {@code fft2c}): {@code F = fftshift o fft2 o ifftshift} with
 * the unitary scaling {@code 1/sqrt(H W)} on both the forward and the inverse transform, so {@code F* = F^-1} and
 * Parseval holds exactly. {@code fftshift} moves index {@code floor(n/2)} to 0, so the k-space centre (DC) sits at
 * {@code (H/2, W/2)} for even sizes. Checked element by element against BART v0.8 {@code bart fft -u [-i] 3} in
 * {@code CenteredFftTest}.
 *
 * <p>Only differentiable DJL operations are used (slicing, concatenation, stacking, {@code fft2}/{@code ifft2}
 * and scaling), so autograd passes through. Results are attached to the manager of the input.
 */
public final class CenteredFft {

    private CenteredFft() {
    }

    /** Centred unitary forward FFT over the last two axes of {@code (..., 2, H, W)}. */
    public static NDArray forward(NDArray image) {
        return transform(image, false);
    }

    /** Centred unitary inverse FFT over the last two axes of {@code (..., 2, H, W)}. */
    public static NDArray inverse(NDArray kspace) {
        return transform(kspace, true);
    }

    private static NDArray transform(NDArray x, boolean inverse) {
        long[] shape = x.getShape().getShape();
        int nd = shape.length;
        if (nd < 3 || shape[nd - 3] != 2) {
            throw new IllegalArgumentException("Expected a complex array (..., 2, H, W), got shape " + x.getShape());
        }
        long h = shape[nd - 2];
        long w = shape[nd - 1];
        // ifftshift moves index floor(n/2) to 0: rotate left by floor(n/2); fftshift rotates left by ceil(n/2).
        NDArray shifted = rotate(rotate(x, nd - 2, h / 2), nd - 1, w / 2);
        NDArray re = shifted.get(new NDIndex("..., 0, :, :"));
        NDArray im = shifted.get(new NDIndex("..., 1, :, :"));
        // F(re + i im) = F(re) + i F(im), each transform taking a real input. This avoids building a complex tensor
        // from two real ones (PyTorch's view_as_complex copy has no autograd), while view_as_real does.
        long[] axes = {-2, -1};
        long[] sizes = {h, w};
        NDArray fre = (inverse ? re.ifft2(sizes, axes) : re.fft2(sizes, axes)).real();
        NDArray fim = (inverse ? im.ifft2(sizes, axes) : im.fft2(sizes, axes)).real();
        NDArray outRe = fre.get(new NDIndex("..., 0")).sub(fim.get(new NDIndex("..., 1")));
        NDArray outIm = fre.get(new NDIndex("..., 1")).add(fim.get(new NDIndex("..., 0")));
        NDArray split = outRe.stack(outIm, -3);
        // DJL/PyTorch use the "backward" norm: forward unscaled, inverse scaled by 1/(H W). Make both unitary.
        double scale = inverse ? Math.sqrt((double) h * w) : 1.0 / Math.sqrt((double) h * w);
        NDArray scaled = split.mul((float) scale);
        return rotate(rotate(scaled, nd - 2, h - h / 2), nd - 1, w - w / 2);
    }

    /** Cyclic rotation to the left by {@code k}: result[i] = x[(i + k) mod n] along {@code axis}. */
    private static NDArray rotate(NDArray x, int axis, long k) {
        long n = x.getShape().get(axis);
        long s = ((k % n) + n) % n;
        if (s == 0) {
            return x;
        }
        String prefix = ":, ".repeat(axis);
        NDArray head = x.get(new NDIndex(prefix + s + ":"));
        NDArray tail = x.get(new NDIndex(prefix + ":" + s));
        return head.concat(tail, axis);
    }
}
