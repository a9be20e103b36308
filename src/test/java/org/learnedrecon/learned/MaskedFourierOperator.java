package org.learnedrecon.learned;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Random;
import org.learnedrecon.physics.ForwardOperator;

/**
 * Test operator standing in for single-coil Cartesian MRI: domain (2, H, W) (real, imaginary), range
 * (1, 2, H, W); {@code A x = M F x} with the orthonormal 2-D DFT {@code F X = F_H X F_W} and a 0/1 mask {@code M}
 * of random phase-encoding rows plus the centre rows, so {@code A* y = F_H^H (M y) F_W^H} exactly.
 *
 * <p>The DFT is done with real cosine/sine matrices rather than DJL's {@code fft2}: getting a complex tensor from
 * a (.., 2) real one goes through {@code NDArray.complex()}, which the PyTorch engine implements with
 * {@code view_as_complex_copy}, and that has no autograd ("does not support automatic differentiation for outputs
 * with complex dtype"). Real matrices keep the operator differentiable, which is what this test double needs.
 */
public final class MaskedFourierOperator implements ForwardOperator {

    private final int height;
    private final int width;
    private final NDArray mask;
    private final NDArray cosH;
    private final NDArray sinH;
    private final NDArray cosW;
    private final NDArray sinW;
    private final NDArray minusSinH;
    private final NDArray minusSinW;

    public MaskedFourierOperator(NDManager manager, int height, int width, double fraction, long seed) {
        this.height = height;
        this.width = width;
        float[] m = new float[height * width];
        Random random = new Random(seed);
        for (int row = 0; row < height; row++) {
            boolean centre = row < 2 || row >= height - 2;
            if (centre || random.nextDouble() < fraction) {
                for (int col = 0; col < width; col++) {
                    m[row * width + col] = 1;
                }
            }
        }
        mask = manager.create(m, new Shape(height, width));
        cosH = dft(manager, height, true);
        sinH = dft(manager, height, false);
        cosW = dft(manager, width, true);
        sinW = dft(manager, width, false);
        minusSinH = sinH.neg();
        minusSinW = sinW.neg();
    }

    /** Real or imaginary part of the orthonormal DFT matrix {@code exp(-2 pi i k n / N) / sqrt(N)}. */
    private static NDArray dft(NDManager manager, int n, boolean real) {
        float[] v = new float[n * n];
        for (int k = 0; k < n; k++) {
            for (int j = 0; j < n; j++) {
                double angle = 2 * Math.PI * ((long) k * j % n) / n;
                v[k * n + j] = (float) ((real ? Math.cos(angle) : -Math.sin(angle)) / Math.sqrt(n));
            }
        }
        return manager.create(v, new Shape(n, n));
    }

    @Override
    public Shape domainShape() {
        return new Shape(2, height, width);
    }

    @Override
    public Shape rangeShape() {
        return new Shape(1, 2, height, width);
    }

    /** {@code F_H Z F_W} for {@code conjugate = false}, {@code F_H^H Z F_W^H} for true; Z as (B, 2, H, W). */
    private NDArray transform(NDArray z, boolean conjugate) {
        NDArray zr = z.get(":, 0");
        NDArray zi = z.get(":, 1");
        NDArray sh = conjugate ? minusSinH : sinH;
        NDArray sw = conjugate ? minusSinW : sinW;
        // Left: (C + iS)(Zr + iZi)
        NDArray ar = left(cosH, zr).sub(left(sh, zi));
        NDArray ai = left(cosH, zi).add(left(sh, zr));
        // Right: (Ar + iAi)(C + iS)
        NDArray kr = ar.matMul(cosW).sub(ai.matMul(sw));
        NDArray ki = ar.matMul(sw).add(ai.matMul(cosW));
        return NDArrays.stack(new NDList(kr, ki), 1);
    }

    /**
     * {@code M Z_b} for every batch element as {@code (Z_b^T M^T)^T}: a plain matrix product on the batch-folded
     * array instead of torch's broadcast batched product {@code M @ Z}, which on this CPU build sporadically gave
     * NaN in training (see the report of the learned branch).
     */
    private static NDArray left(NDArray m, NDArray z) {
        return z.transpose(0, 2, 1).matMul(m.transpose()).transpose(0, 2, 1);
    }

    @Override
    public NDArray apply(NDArray x) {
        long b = x.getShape().get(0);
        // Every product starts from the input, so results land in the input's manager (ForwardOperator contract).
        return transform(x, false).mul(mask).reshape(b, 1, 2, height, width);
    }

    @Override
    public NDArray adjoint(NDArray y) {
        long b = y.getShape().get(0);
        return transform(y.reshape(b, 2, height, width).mul(mask), true);
    }

    @Override
    public boolean isDifferentiable() {
        return true;
    }
}
