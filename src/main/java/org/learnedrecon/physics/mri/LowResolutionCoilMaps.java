package org.learnedrecon.physics.mri;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import org.learnedrecon.physics.ResultScope;

/**
 * Coil sensitivity estimation from the fully sampled calibration region: the central
 * {@code calibrationHeight x calibrationWidth} block of each coil's k-space is weighted by a separable Hann window
 * (to suppress Gibbs ringing), zero-filled to full size and inverse FFT'd into smooth low-resolution coil images
 * {@code l_c}; the maps are {@code S_c = l_c / sqrt(sum_c |l_c|^2 + eps)}, so {@code sum_c |S_c|^2 = 1} wherever
 * there is signal (McKenzie et al. 2002, the "low-resolution / RSS-normalised" method).
 *
 * <p>Why not ESPIRiT: on BART's 8-coil phantom these maps agree with {@code bart ecalib -m 1 -r 20} to a mean
 * per-pixel correlation (magnitude of the normalised complex inner product over coils) of 0.9992 inside the object,
 * and CG-SENSE (30 iterations) on 2-fold equispaced data scores 46.6 dB with these maps against 38.6 dB with the
 * ESPIRiT maps (PSNR against the RSS of the fully sampled coil images, which the RSS-normalised maps reproduce by
 * construction, so the comparison favours them somewhat; see {@code LowResolutionCoilMapsTest}), for far less code
 * (no calibration-matrix SVD, no per-pixel eigen-decompositions). Unlike ESPIRiT the maps are not cropped outside the object and the phase is
 * that of the low-resolution images, not rotated to a virtual body coil; neither matters for magnitude images.
 */
public final class LowResolutionCoilMaps {

    private LowResolutionCoilMaps() {
    }

    /**
     * @param kspace {@code (C, 2, H, W)} centred k-space with a fully sampled central calibration block
     * @param calibrationHeight rows of the calibration block around {@code H/2}
     * @param calibrationWidth columns of the calibration block around {@code W/2}
     * @return maps {@code (C, 2, H, W)} attached to the manager of {@code kspace}
     */
    public static NDArray estimate(NDArray kspace, int calibrationHeight, int calibrationWidth) {
        Shape s = kspace.getShape();
        if (s.dimension() != 4 || s.get(1) != 2) {
            throw new IllegalArgumentException("Expected multi-coil k-space (C, 2, H, W), got " + s);
        }
        int height = (int) s.get(2);
        int width = (int) s.get(3);
        if (calibrationHeight < 2 || calibrationWidth < 2 || calibrationHeight > height || calibrationWidth > width) {
            throw new IllegalArgumentException("Calibration block " + calibrationHeight + "x" + calibrationWidth
                + " must be at least 2x2 and fit in " + height + "x" + width);
        }
        float[] window = new float[height * width];
        int h0 = height / 2 - calibrationHeight / 2;
        int w0 = width / 2 - calibrationWidth / 2;
        for (int i = 0; i < calibrationHeight; i++) {
            double wh = hann(i, calibrationHeight);
            for (int j = 0; j < calibrationWidth; j++) {
                window[(h0 + i) * width + (w0 + j)] = (float) (wh * hann(j, calibrationWidth));
            }
        }
        return ResultScope.compute(kspace, k -> {
            NDArray lowRes = CenteredFft.inverse(k.mul(k.getManager().create(window, new Shape(height, width))));
            NDArray power = lowRes.square().sum(new int[] {0, 1});
            // eps: 1e-6 of the peak power keeps the background (no signal) from dividing by zero
            float eps = power.max().getFloat() * 1e-6f + Float.MIN_NORMAL;
            return lowRes.div(power.add(eps).sqrt());
        });
    }

    /** Hann window sample {@code i} of {@code n}, positive at both ends: {@code sin^2(pi (i + 1) / (n + 1))}. */
    private static double hann(int i, int n) {
        double v = Math.sin(Math.PI * (i + 1) / (n + 1));
        return v * v;
    }
}
