package org.learnedrecon.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CflFormatTest {

    private static final Path DATA = Path.of("test-data", "mri");

    @Test
    void readsBartMadeMultiCoilArrayInChannelFirstLayout() throws IOException {
        CflArray a = CflFormat.read(DATA.resolve("coil8_kspace"));
        assertEquals(64, a.dims()[0]);
        assertEquals(64, a.dims()[1]);
        assertEquals(8, a.dims()[3]);
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = a.toChannelFirst(m);
            assertEquals(new Shape(8, 2, 64, 64), x.getShape());
            // BART element [x=5, y=7, 0, coil=3] is at interleaved index 2 * (5 + 64 * (7 + 64 * 3))
            int idx = 2 * (5 + 64 * (7 + 64 * 3));
            assertEquals(a.interleaved()[idx], x.getFloat(3, 0, 7, 5), 0f);
            assertEquals(a.interleaved()[idx + 1], x.getFloat(3, 1, 7, 5), 0f);
        }
    }

    @Test
    void roundTrip(@TempDir Path dir) throws IOException {
        try (NDManager m = NDManager.newBaseManager()) {
            m.getEngine().setRandomSeed(5);
            NDArray x = m.randomNormal(new Shape(3, 2, 5, 7));
            CflFormat.write(dir.resolve("x"), CflArray.fromChannelFirst(x));
            CflArray back = CflFormat.read(dir.resolve("x"));
            assertArrayEquals(new long[] {7, 5, 3}, back.dims());
            assertArrayEquals(x.toFloatArray(), back.toChannelFirst(m).toFloatArray(), 0f);
        }
    }

    @Test
    void truncatedAndMalformedFilesFail(@TempDir Path dir) throws IOException {
        Path base = dir.resolve("t");
        Files.copy(DATA.resolve("fft_in.hdr"), dir.resolve("t.hdr"));
        byte[] data = Files.readAllBytes(DATA.resolve("fft_in.cfl"));
        Files.write(dir.resolve("t.cfl"), Arrays.copyOf(data, data.length - 4));
        IOException e = assertThrows(IOException.class, () -> CflFormat.read(base));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
        Files.writeString(dir.resolve("t.hdr"), "# Dimensions\n12 x\n");
        e = assertThrows(IOException.class, () -> CflFormat.read(base));
        assertTrue(e.getMessage().contains("'x'"), e.getMessage());
        Files.writeString(dir.resolve("t.hdr"), "hello\n");
        e = assertThrows(IOException.class, () -> CflFormat.read(base));
        assertTrue(e.getMessage().contains("# Dimensions"), e.getMessage());
    }
}
