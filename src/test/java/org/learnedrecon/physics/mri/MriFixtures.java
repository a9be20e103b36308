package org.learnedrecon.physics.mri;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Path;
import org.learnedrecon.io.CflFormat;

/** Loads the BART-made fixtures of test-data/mri and scores magnitude images. */
public final class MriFixtures {

    public static final Path DATA = Path.of("test-data", "mri");

    private MriFixtures() {
    }

    public static NDArray load(NDManager manager, String name) throws IOException {
        return CflFormat.read(DATA.resolve(name)).toChannelFirst(manager);
    }

    /**
     * BART's analytic 8-coil maps of the phantom ({@code coil8_truemaps}), scaled to {@code sum_c |S_c|^2 = 1}: as
     * stored they are not normalised (RSS ~ 1e5).
     */
    public static NDArray normalisedMaps(NDManager manager) throws IOException {
        NDArray raw = load(manager, "coil8_truemaps");
        return raw.div(raw.square().sum(new int[] {0, 1}).sqrt());
    }

    /** A mask stored as a real-valued complex BART array. */
    public static SamplingMask mask(NDManager manager, String name) throws IOException {
        NDArray m = load(manager, name);
        int h = (int) m.getShape().get(1);
        int w = (int) m.getShape().get(2);
        return new SamplingMask(h, w, m.get("0").toFloatArray());
    }

    /**
     * The k-space of the real image {@code real} {@code (..., H, W)} under {@code op}'s mask, with complex Gaussian
     * noise of relative level {@code level} (seed {@code seed}) on the sampled entries.
     */
    public static NDArray noisyKspace(CartesianMriOperator op, NDArray real, double level, long seed) {
        return new ComplexGaussianNoise(level, seed).apply(op.apply(ComplexArithmetic.fromReal(real)), op.mask());
    }

    /**
     * PSNR in dB of the magnitude of the complex image {@code complex} {@code (..., 2, H, W)} against the real image
     * {@code real} {@code (..., H, W)}, with data range 1 (the test images lie in [0, 1]).
     */
    public static double unitRangeMagnitudePsnr(NDArray real, NDArray complex) {
        return org.learnedrecon.metrics.Psnr.compute(real, ComplexArithmetic.magnitude(complex), 1.0)[0];
    }

    /** PSNR in dB of |x| against |truth| with the data range max |truth| (both (2, H, W) or batched). */
    public static double magnitudePsnr(NDArray x, NDArray truth) {
        float[] a = magnitude(x);
        float[] b = magnitude(truth);
        double max = 0;
        double se = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, b[i]);
            se += (a[i] - b[i]) * (double) (a[i] - b[i]);
        }
        return 10 * Math.log10(max * max / (se / a.length));
    }

    public static float[] magnitude(NDArray x) {
        float[] v = x.toFloatArray();
        int plane = (int) (x.getShape().get(x.getShape().dimension() - 1) * x.getShape().get(x.getShape().dimension() - 2));
        float[] out = new float[v.length / 2];
        for (int base = 0, o = 0; base < v.length; base += 2 * plane, o += plane) {
            for (int p = 0; p < plane; p++) {
                out[o + p] = (float) Math.hypot(v[base + p], v[base + plane + p]);
            }
        }
        return out;
    }
}
