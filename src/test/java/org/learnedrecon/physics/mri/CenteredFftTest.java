package org.learnedrecon.physics.mri;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.learnedrecon.io.CflFormat;

/** The centred unitary FFT against BART v0.8 {@code fft -u [-i] 3} (fixture made by make_mri_fixtures.py). */
class CenteredFftTest {

    private static final Path DATA = Path.of("test-data", "mri");

    @Test
    void forwardAndInverseMatchBart() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = CflFormat.read(DATA.resolve("fft_in")).toChannelFirst(m);
            assertEquals(new Shape(2, 16, 12), x.getShape());
            float[] bartForward = CflFormat.read(DATA.resolve("fft_u")).toChannelFirst(m).toFloatArray();
            float[] bartInverse = CflFormat.read(DATA.resolve("fft_ui")).toChannelFirst(m).toFloatArray();
            assertArrayEquals(bartForward, CenteredFft.forward(x).toFloatArray(), 1e-5f);
            assertArrayEquals(bartInverse, CenteredFft.inverse(x).toFloatArray(), 1e-5f);
        }
    }

    @Test
    void unitaryAndInverseOnOddSizes() {
        try (NDManager m = NDManager.newBaseManager()) {
            m.getEngine().setRandomSeed(3);
            NDArray x = m.randomNormal(new Shape(2, 2, 7, 9));
            NDArray k = CenteredFft.forward(x);
            assertEquals(x.norm().getFloat(), k.norm().getFloat(), 1e-4f);
            assertArrayEquals(x.toFloatArray(), CenteredFft.inverse(k).toFloatArray(), 1e-5f);
        }
    }

    @Test
    void dcOfConstantImageSitsAtCentre() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.zeros(new Shape(2, 6, 8));
            x.set(new ai.djl.ndarray.index.NDIndex("0, :, :"), 1f);
            NDArray k = CenteredFft.forward(x);
            // sum of 48 ones, unitary: 48 / sqrt(48)
            assertEquals(Math.sqrt(48), k.getFloat(0, 3, 4), 1e-5);
            assertEquals(Math.sqrt(48), k.norm().getFloat(), 1e-4);
        }
    }

    @Test
    void rejectsNonComplexLayout() {
        try (NDManager m = NDManager.newBaseManager()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CenteredFft.forward(m.zeros(new Shape(3, 4, 4))));
            assertEquals(true, e.getMessage().contains("(..., 2, H, W)"));
        }
    }
}
