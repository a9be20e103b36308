package org.learnedrecon.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;

/** The EI loss's transformation group: exact quarter turns, a group action, and the transpose autograd gives. */
class ImageRotationTest {

    private static final double QUARTER = Math.PI / 2;

    @Test
    void fourQuarterTurnsAreTheIdentityAndOneIsTheExpectedPermutation() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.randomUniform(0f, 1f, new Shape(2, 2, 6, 6));
            NDArray r = x;
            for (int k = 0; k < 4; k++) {
                r = ImageRotation.rotate(r, new double[] {QUARTER, QUARTER});
            }
            assertArrayEquals(x.toFloatArray(), r.toFloatArray(), 1e-6f);
            // Anticlockwise as displayed (rows down): output (r, c) reads input (c, W-1-r).
            float[] in = x.toFloatArray();
            float[] out = ImageRotation.rotate(x, new double[] {QUARTER, 0}).toFloatArray();
            for (int p = 0; p < 2; p++) {
                for (int row = 0; row < 6; row++) {
                    for (int col = 0; col < 6; col++) {
                        assertEquals(in[p * 36 + col * 6 + (5 - row)], out[p * 36 + row * 6 + col], 1e-6f);
                    }
                }
            }
            // The second sample, turned by 0, is unchanged.
            assertArrayEquals(x.get("1").toFloatArray(), ImageRotation.rotate(x, new double[] {QUARTER, 0})
                .get("1").toFloatArray(), 1e-6f);
        }
    }

    @Test
    void rotationsComposeLikeAnglesInsideTheImage() {
        try (NDManager m = NDManager.newBaseManager()) {
            // A smooth blob well inside the frame, so corners cut off and interpolation blur stay small.
            int n = 32;
            float[] blob = new float[n * n];
            for (int r = 0; r < n; r++) {
                for (int c = 0; c < n; c++) {
                    double dx = c - 17.5;
                    double dy = r - 13.0;
                    blob[r * n + c] = (float) Math.exp(-(dx * dx / 40 + dy * dy / 20));
                }
            }
            NDArray x = m.create(blob, new Shape(1, n, n));
            NDArray twice = ImageRotation.rotate(ImageRotation.rotate(x, new double[] {0.4}), new double[] {0.7});
            NDArray once = ImageRotation.rotate(x, new double[] {1.1});
            double error = twice.sub(once).norm().getFloat() / once.norm().getFloat();
            assertEquals(0, error, 0.03, "composition error " + error);
            // And back: rotating by -a undoes a.
            NDArray back = ImageRotation.rotate(once, new double[] {-1.1});
            assertEquals(0, back.sub(x).norm().getFloat() / x.norm().getFloat(), 0.03);
        }
    }

    @Test
    void autogradGivesTheTransposeQuarterTurnsBackAndTheDotProductTestHolds() {
        try (NDManager m = NDManager.newBaseManager()) {
            for (double angle : new double[] {QUARTER, 0.3}) {
                NDArray x = m.randomUniform(0f, 1f, new Shape(1, 9, 9));
                NDArray y = m.randomUniform(0f, 1f, new Shape(1, 9, 9));
                x.setRequiresGradient(true);
                NDArray dot;
                try (GradientCollector g = Engine.getInstance().newGradientCollector()) {
                    dot = ImageRotation.rotate(x, new double[] {angle}).mul(y).sum();
                    g.backward(dot);
                }
                NDArray transposeY = x.getGradient();
                // <R x, y> = <x, R^T y>
                assertEquals(dot.getFloat(), x.mul(transposeY).sum().getFloat(), 1e-4);
                if (angle == QUARTER) {
                    // A quarter turn is a permutation: its transpose is the inverse turn.
                    assertArrayEquals(ImageRotation.rotate(y, new double[] {-QUARTER}).toFloatArray(),
                        transposeY.toFloatArray(), 1e-6f);
                }
            }
        }
    }
}
