package org.learnedrecon.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Random;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.learnedrecon.physics.ForwardOperator;
import org.learnedrecon.physics.noise.GaussianRelativeNoise;

/** The measurement-only loss computed by hand on tiny operators. */
class EquivariantImagingLossTest {

    /** An explicit matrix on flattened 4 x 4 images: {@code y = M x}, 6 measurements; differentiable. */
    private static final class MatrixOperator implements ForwardOperator {
        final float[] matrix;
        final NDArray m;

        MatrixOperator(NDManager manager, long seed) {
            Random random = new Random(seed);
            matrix = new float[6 * 16];
            for (int i = 0; i < matrix.length; i++) {
                matrix[i] = (float) random.nextGaussian();
            }
            m = manager.create(matrix, new Shape(6, 16));
        }

        @Override
        public Shape domainShape() {
            return new Shape(4, 4);
        }

        @Override
        public Shape rangeShape() {
            return new Shape(6);
        }

        @Override
        public NDArray apply(NDArray x) {
            return x.reshape(x.getShape().get(0), 16).matMul(m.transpose());
        }

        @Override
        public NDArray adjoint(NDArray y) {
            return y.matMul(m).reshape(y.getShape().get(0), 4, 4);
        }

        @Override
        public boolean isDifferentiable() {
            return true;
        }
    }

    /** The identity on 8 x 8 images (differentiable: a product by 1). */
    private static ForwardOperator identity() {
        return new ForwardOperator() {
            @Override
            public Shape domainShape() {
                return new Shape(8, 8);
            }

            @Override
            public Shape rangeShape() {
                return new Shape(8, 8);
            }

            @Override
            public NDArray apply(NDArray x) {
                return x.mul(1f);
            }

            @Override
            public NDArray adjoint(NDArray y) {
                return y.mul(1f);
            }
        };
    }

    @Test
    void measurementConsistencyIsTheMeanSquaredResidualComputedByHand() {
        try (NDManager manager = NDManager.newBaseManager()) {
            MatrixOperator a = new MatrixOperator(manager, 3);
            NDArray y = manager.randomNormal(new Shape(2, 6));
            // f: a fixed linear reconstruction, x = 0.05 A^T y + 0.1.
            UnaryOperator<NDArray> f = v -> a.adjoint(v).mul(0.05f).add(0.1f);
            EquivariantImagingLoss.Terms terms = new EquivariantImagingLoss(a, null, 0).loss(f, y, new Random(1));
            float[] x = f.apply(y).toFloatArray();
            float[] yv = y.toFloatArray();
            double sum = 0;
            for (int b = 0; b < 2; b++) {
                for (int i = 0; i < 6; i++) {
                    double ax = 0;
                    for (int j = 0; j < 16; j++) {
                        ax += a.matrix[i * 16 + j] * x[b * 16 + j];
                    }
                    sum += (ax - yv[b * 6 + i]) * (ax - yv[b * 6 + i]);
                }
            }
            assertEquals(sum / 12, terms.consistency.getFloat(), 1e-5 * sum);
            assertEquals(terms.consistency.getFloat(), terms.total.getFloat(), 0f, "alpha 0: MC alone");
        }
    }

    @Test
    void equivarianceTermIsZeroForAnEquivariantConsistentSolverAndPositiveOtherwise() {
        try (NDManager manager = NDManager.newBaseManager()) {
            // The identity operator (denoising without noise): f = identity is consistent and equivariant.
            ForwardOperator identity = identity();
            NDArray y = manager.randomUniform(0f, 1f, new Shape(3, 8, 8));
            EquivariantImagingLoss loss = new EquivariantImagingLoss(identity, null, 100);
            assertEquals(0f, loss.loss(v -> v.mul(1f), y, new Random(2)).total.getFloat(), 1e-10f);
            // A solver that shifts the image is consistent with nothing and not equivariant to rotations.
            float[] shifted = loss.loss(v -> v.get(":, :, 1:").concat(v.get(":, :, :1"), 2), y, new Random(2))
                .total.toFloatArray();
            assertTrue(shifted[0] > 1, "EI loss of a shifting solver " + shifted[0]);
            // With noise on the virtual measurements the identity pays alpha times the noise power.
            EquivariantImagingLoss noisy = new EquivariantImagingLoss(identity, new GaussianRelativeNoise(0.1), 100);
            float total = noisy.loss(v -> v.mul(1f), y, new Random(2)).total.getFloat();
            assertTrue(total > 0.01 * 100 * 0.1 && total < 100 * 0.5, "noise term " + total);
        }
    }

    /**
     * SURE estimates the error against the clean measurements where measurement consistency is biased by the noise:
     * for f(y) = 0.8 y on the identity operator, y = x + n with n of 10 % relative level, the risk mean((f(y) - x)^2)
     * is 0.04 mean(x^2) + 0.64 s^2 while MC's expectation is 0.04 (mean(x^2) + s^2), 0.6 s^2 (about 0.002) less.
     */
    @Test
    void sureEstimatesTheErrorAgainstTheCleanMeasurements() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray x = manager.randomUniform(0f, 1f, new Shape(200, 8, 8));
            GaussianRelativeNoise noise = new GaussianRelativeNoise(0.1);
            NDArray y = noise.corrupt(x, new Random(3));
            UnaryOperator<NDArray> f = v -> v.mul(0.8f);
            float risk = f.apply(y).sub(x).square().mean().getFloat();
            float sure = new EquivariantImagingLoss(identity(), noise, 0, false, true).loss(f, y, new Random(4))
                .total.getFloat();
            float mc = new EquivariantImagingLoss(identity(), noise, 0).loss(f, y, new Random(4)).total.getFloat();
            assertEquals(risk, sure, 4e-4, "SURE against the risk " + risk);
            assertTrue(mc - risk < -1.5e-3, "MC " + mc + " against the risk " + risk);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new EquivariantImagingLoss(identity(), null, 100, true, true));
            assertTrue(e.getMessage().contains("ei.sure=true") && e.getMessage().contains("none"), e.getMessage());
        }
    }

    /**
     * With a fixed target the gradient of the equivariance term reaches x1 only through the new measurements: for
     * f returning x1 = p whatever its input, on the identity operator with y = p (so the MC term is 0), the loss
     * alpha mean((p - T p)^2) has gradient 2 alpha (p - T p) / N; through both uses it also has the target's part.
     */
    @Test
    void aFixedTargetTakesTheGradientOffTheTarget() {
        try (NDManager manager = NDManager.newBaseManager()) {
            ForwardOperator identity = identity();
            NDArray values = manager.randomUniform(0f, 1f, new Shape(1, 8, 8));
            float[] expected = values.sub(ImageRotation.rotate(values,
                new double[] {2 * Math.PI * new Random(5).nextDouble()})).mul(2 * 10 / 64f).toFloatArray();
            float[][] gradients = new float[2][];
            float[] totals = new float[2];
            for (int fixed = 0; fixed < 2; fixed++) {
                NDArray p = values.duplicate();
                p.setRequiresGradient(true);
                try (ai.djl.training.GradientCollector collector = ai.djl.engine.Engine.getInstance()
                    .newGradientCollector()) {
                    NDArray total = new EquivariantImagingLoss(identity, null, 10, fixed == 1, false)
                        .loss(v -> p.mul(1f), values, new Random(5)).total;
                    totals[fixed] = total.getFloat();
                    collector.backward(total);
                }
                gradients[fixed] = p.getGradient().toFloatArray();
            }
            assertEquals(totals[0], totals[1], 1e-6f, "the same loss either way");
            double off = 0;
            double through = 0;
            for (int i = 0; i < expected.length; i++) {
                off = Math.max(off, Math.abs(gradients[1][i] - expected[i]));
                through = Math.max(through, Math.abs(gradients[0][i] - expected[i]));
            }
            assertTrue(off < 1e-5, "fixed target: gradient " + off + " away from 2 alpha (p - T p) / N");
            assertTrue(through > 1e-2, "through the target the gradient differs, by " + through);
        }
    }

    @Test
    void refusesNegativeWeight() {
        try (NDManager manager = NDManager.newBaseManager()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new EquivariantImagingLoss(new MatrixOperator(manager, 1), null, -1));
            assertTrue(e.getMessage().contains("ei.alpha"), e.getMessage());
        }
    }
}
