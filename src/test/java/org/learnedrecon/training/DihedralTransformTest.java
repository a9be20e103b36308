package org.learnedrecon.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The exact alternative to interpolated rotations in the EI loss: the eight symmetries of the square. */
class DihedralTransformTest {

    @Test
    void theEightElementsAreDistinctPermutationsThatFormTheGroupOfTheSquare() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.arange(2 * 5 * 5).toType(ai.djl.ndarray.types.DataType.FLOAT32, false)
                .reshape(1, 2, 5, 5);
            float[] original = x.toFloatArray();
            Set<List<Float>> seen = new HashSet<>();
            for (int e = 0; e < DihedralTransform.ELEMENTS; e++) {
                float[] t = DihedralTransform.apply(x, new int[] {e}).toFloatArray();
                float[] sorted = t.clone();
                java.util.Arrays.sort(sorted);
                assertArrayEquals(original, sorted, 0f, "element " + e + " permutes the pixels");
                List<Float> list = new java.util.ArrayList<>();
                for (float v : t) {
                    list.add(v);
                }
                seen.add(list);
                // Both channels move alike: channel 1 is channel 0 plus 25 wherever the pixels went.
                for (int i = 0; i < 25; i++) {
                    assertEquals(t[i] + 25, t[25 + i], 0f);
                }
            }
            assertEquals(8, seen.size(), "eight distinct transforms");
            assertArrayEquals(original, DihedralTransform.apply(x, new int[] {0}).toFloatArray(), 0f, "0: identity");
            NDArray turned = x;
            for (int k = 0; k < 4; k++) {
                turned = DihedralTransform.apply(turned, new int[] {1});
            }
            assertArrayEquals(original, turned.toFloatArray(), 0f, "four quarter turns");
            NDArray mirrored = DihedralTransform.apply(DihedralTransform.apply(x, new int[] {4}), new int[] {4});
            assertArrayEquals(original, mirrored.toFloatArray(), 0f, "a mirror twice");
            // Element 1 is a quarter turn: ImageRotation's exact quarter turn one way or the other.
            float[] one = DihedralTransform.apply(x, new int[] {1}).toFloatArray();
            float[] left = ImageRotation.rotate(x, new double[] {Math.PI / 2}).toFloatArray();
            float[] right = ImageRotation.rotate(x, new double[] {-Math.PI / 2}).toFloatArray();
            assertTrue(java.util.Arrays.equals(one, left) || java.util.Arrays.equals(one, right));
            // Per sample: the second of a batch of two gets its own element.
            NDArray pair = x.concat(x, 0);
            NDArray both = DihedralTransform.apply(pair, new int[] {0, 4});
            assertArrayEquals(original, both.get("0").toFloatArray(), 0f);
            assertArrayEquals(DihedralTransform.apply(x, new int[] {4}).toFloatArray(), both.get("1:2")
                .toFloatArray(), 0f);
            assertThrows(IllegalArgumentException.class, () -> DihedralTransform.apply(m.zeros(new Shape(1, 4, 5)),
                new int[] {1}));
            assertThrows(IllegalArgumentException.class, () -> DihedralTransform.apply(x, new int[] {8}));
        }
    }
}
