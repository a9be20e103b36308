package org.learnedrecon.physics.mri;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import org.learnedrecon.physics.ResultScope;
import org.learnedrecon.runtime.NativeArrays;

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
 * and scaling), so autograd passes through. Intermediates live in a scoped sub-manager; the result is attached to
 * the manager of the input.
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
        return ResultScope.compute(x, input -> transform(input, shape, inverse));
    }

    private static NDArray transform(NDArray x, long[] shape, boolean inverse) {
        int nd = shape.length;
        long h = shape[nd - 2];
        long w = shape[nd - 1];
        if (h % 2 == 0 && w % 2 == 0) {
            // Even sizes: a shift by n/2 is a modulation by (-1)^k, so F x = s c . fft(c . x) with the checkerboard
            // c[h, w] = (-1)^(h + w) and the global sign s = (-1)^(H/2 + W/2); two multiplications instead of four
            // rotations (slices and concatenations).
            NDArray checkerboard = NativeArrays.copyOf(x.getManager(), checkerboard((int) h, (int) w), new Shape(h, w));
            NDArray transformed = plainTransform(x.mul(checkerboard), h, w, inverse);
            float sign = ((h / 2 + w / 2) % 2 == 0) ? 1f : -1f;
            return transformed.mul(checkerboard.mul(sign * unitaryScale(h, w, inverse)));
        }
        // ifftshift moves index floor(n/2) to 0: rotate left by floor(n/2); fftshift rotates left by ceil(n/2).
        NDArray shifted = rotate(rotate(x, nd - 2, h / 2), nd - 1, w / 2);
        NDArray scaled = NativeArrays.times(plainTransform(shifted, h, w, inverse), unitaryScale(h, w, inverse));
        return rotate(rotate(scaled, nd - 2, h - h / 2), nd - 1, w - w / 2);
    }

    /** DJL/PyTorch use the "backward" norm: forward unscaled, inverse scaled by 1/(H W). This makes both unitary. */
    private static float unitaryScale(long h, long w, boolean inverse) {
        return (float) (inverse ? Math.sqrt((double) h * w) : 1.0 / Math.sqrt((double) h * w));
    }

    /** Uncentred, unnormalised DJL (i)fft2 of {@code (..., 2, H, W)}. */
    private static NDArray plainTransform(NDArray x, long h, long w, boolean inverse) {
        NDArray re = x.get(new NDIndex("..., 0, :, :"));
        NDArray im = x.get(new NDIndex("..., 1, :, :"));
        // F(re + i im) = F(re) + i F(im), each transform taking a real input. This avoids building a complex tensor
        // from two real ones (PyTorch's view_as_complex copy has no autograd), while view_as_real does.
        long[] axes = {-2, -1};
        long[] sizes = {h, w};
        NDArray fre = (inverse ? re.ifft2(sizes, axes) : re.fft2(sizes, axes)).real();
        NDArray fim = (inverse ? im.ifft2(sizes, axes) : im.fft2(sizes, axes)).real();
        NDArray outRe = fre.get(new NDIndex("..., 0")).sub(fim.get(new NDIndex("..., 1")));
        NDArray outIm = fre.get(new NDIndex("..., 1")).add(fim.get(new NDIndex("..., 0")));
        return outRe.stack(outIm, -3);
    }

    private static float[] checkerboard(int h, int w) {
        float[] c = new float[h * w];
        for (int i = 0; i < h; i++) {
            for (int j = 0; j < w; j++) {
                c[i * w + j] = ((i + j) % 2 == 0) ? 1f : -1f;
            }
        }
        return c;
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
