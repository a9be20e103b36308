package org.learnedrecon.learned;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.learnedrecon.models.NetworkCatalog;
import org.learnedrecon.solvers.ProgressMonitor;

/**
 * The FFDNet-style DnCNN ({@code shuffle=2}): the rearrangement, odd sizes, banded inference and the model file's keys.
 */
class DnCnnShuffleTest {

    @Test
    void pixelUnshuffleRearrangesByPhaseAndShuffleRestoresOddSizes() {
        try (NDManager m = NDManager.newBaseManager()) {
            int channels = 2;
            int rows = 5;
            int cols = 7;
            float[] values = new float[channels * rows * cols];
            for (int i = 0; i < values.length; i++) {
                values[i] = i;
            }
            NDArray a = m.create(values, new Shape(1, channels, rows, cols));
            NDArray u = DnCnn.pixelUnshuffle(a, 2);
            assertEquals(new Shape(1, 8, 3, 4), u.getShape());
            float[] got = u.toFloatArray();
            for (int c = 0; c < channels; c++) {
                for (int i = 0; i < 2; i++) {
                    for (int j = 0; j < 2; j++) {
                        for (int r = 0; r < 3; r++) {
                            for (int q = 0; q < 4; q++) {
                                // rows and columns past the edge repeat the last one
                                int row = Math.min(2 * r + i, rows - 1);
                                int col = Math.min(2 * q + j, cols - 1);
                                int channel = c * 4 + i * 2 + j;
                                assertEquals(values[(c * rows + row) * cols + col],
                                    got[(channel * 3 + r) * 4 + q], "channel " + channel + " at " + r + "," + q);
                            }
                        }
                    }
                }
            }
            assertArrayEquals(values, DnCnn.pixelShuffle(u, 2, rows, cols).toFloatArray());
        }
    }

    @Test
    void shuffledDenoiserKeepsOddSizesAndItsBandsAgreeWithOnePass() {
        try (NDManager m = NDManager.newBaseManager()) {
            DnCnn d = new DnCnn(1, 8, 4, true, 2);
            SeededInitializer.install(d, 3);
            d.initialize(m, DataType.FLOAT32, new Shape(2, 1, 16, 16), new Shape(2, 1, 16, 16));
            ParameterStore ps = new ParameterStore(m, false);
            // 2 x 129 x 201 half-size pixels: more than one band of DnCnn.BAND_PIXELS
            NDArray x = TestImages.gaussian(m, new Shape(2, 1, 257, 401), 5);
            NDList inputs = d.inputs(x, 0.05);
            NDArray once = d.forward(ps, inputs, false).singletonOrThrow();
            assertEquals(x.getShape(), once.getShape());
            NDArray banded = d.denoise(ps, inputs, ProgressMonitor.NONE);
            assertEquals(x.getShape(), banded.getShape());
            float difference = banded.sub(once).abs().max().getFloat();
            float change = once.sub(x).abs().max().getFloat();
            assertTrue(difference < 1e-4f, "banded vs one pass: " + difference);
            assertTrue(change > 1e-2f, "the untrained network changes the image: " + change);
            // the noise level is an input: another level, another output
            assertTrue(d.forward(ps, d.inputs(x, 0.15), false).singletonOrThrow().sub(once).abs().max()
                .getFloat() > 1e-3f);
        }
    }

    @Test
    void theShuffleFactorIsStoredWithTheModelAndCheckedOnLoad() {
        try (NDManager m = NDManager.newBaseManager()) {
            DnCnn d = new DnCnn(1, 8, 4, true, 2);
            Map<String, String> hyper = NetworkCatalog.hyperParameters(d);
            assertEquals("2", hyper.get("shuffle"));
            Block rebuilt = NetworkCatalog.create(DnCnn.ARCHITECTURE, hyper, null);
            rebuilt.initialize(m, DataType.FLOAT32, new Shape(1, 1, 16, 16), new Shape(1, 1, 16, 16));
            d.initialize(m, DataType.FLOAT32, new Shape(1, 1, 16, 16), new Shape(1, 1, 16, 16));
            // four phases of image and map in, four phases of the noise out
            assertEquals(d.getParameters().get(0).getValue().getArray().getShape(),
                rebuilt.getParameters().get(0).getValue().getArray().getShape());
            assertEquals(new Shape(8, 8, 3, 3), rebuilt.getParameters().get(0).getValue().getArray().getShape());
            assertEquals(new Shape(4, 8, 3, 3), rebuilt.getParameters().get(6).getValue().getArray().getShape());
            assertTrue(!NetworkCatalog.hyperParameters(new DnCnn(1, 8, 4, true)).containsKey("shuffle"));
            hyper.put("shuffle", "5");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> NetworkCatalog.create(DnCnn.ARCHITECTURE, hyper, null));
            assertTrue(e.getMessage().contains("'shuffle'") && e.getMessage().contains("5"), e.getMessage());
        }
    }
}
