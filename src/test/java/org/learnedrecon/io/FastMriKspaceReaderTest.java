package org.learnedrecon.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** fastMRI-layout HDF5 fixtures written by h5py with analytic values (see make_mri_fixtures.py). */
class FastMriKspaceReaderTest {

    private static final Path DATA = Path.of("test-data", "mri");

    /** kspace[s, c, h, w] = s + 0.1 c + 0.01 h + 0.001 w + i (s - 0.5 c - h + 0.25 w). */
    private static double re(int s, int c, int h, int w) {
        return s + 0.1 * c + 0.01 * h + 0.001 * w;
    }

    private static double im(int s, int c, int h, int w) {
        return s - 0.5 * c - h + 0.25 * w;
    }

    @Test
    void readsMultiCoilWithEveryValue() throws IOException {
        KspaceVolume v = FastMriKspaceReader.read(DATA.resolve("fastmri_multicoil.h5"));
        assertEquals(new Shape(2, 3, 2, 8, 6), v.shape());
        float[] d = v.data();
        for (int s = 0; s < 2; s++) {
            for (int c = 0; c < 3; c++) {
                for (int h = 0; h < 8; h++) {
                    for (int w = 0; w < 6; w++) {
                        int base = ((s * 3 + c) * 2) * 48 + h * 6 + w;
                        assertEquals(re(s, c, h, w), d[base], 1e-6);
                        assertEquals(im(s, c, h, w), d[base + 48], 1e-6);
                    }
                }
            }
        }
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray a = v.toNDArray(m);
            assertEquals(im(1, 2, 7, 5), a.getFloat(1, 2, 1, 7, 5), 1e-6);
        }
    }

    @Test
    void readsSingleCoil() throws IOException {
        KspaceVolume v = FastMriKspaceReader.read(DATA.resolve("fastmri_singlecoil.h5"));
        assertEquals(new Shape(2, 2, 8, 6), v.shape());
        assertEquals(0, v.coils());
        assertEquals(re(1, 0, 3, 4), v.data()[(1 * 2) * 48 + 3 * 6 + 4], 1e-6);
        assertEquals(im(1, 0, 3, 4), v.data()[(1 * 2 + 1) * 48 + 3 * 6 + 4], 1e-6);
    }

    @Test
    void truncatedCopiesFailWithClearMessage(@TempDir Path dir) throws IOException {
        byte[] whole = Files.readAllBytes(DATA.resolve("fastmri_multicoil.h5"));
        for (int length : new int[] {0, 10, 47, 100, 800, 2048, whole.length / 2, whole.length - 1}) {
            Path cut = dir.resolve("cut" + length + ".h5");
            Files.write(cut, Arrays.copyOf(whole, length));
            IOException e = assertThrows(IOException.class, () -> org.junit.jupiter.api.Assertions
                .assertTimeoutPreemptively(Duration.ofSeconds(10), () -> FastMriKspaceReader.read(cut)));
            assertTrue(e.getMessage().contains("truncated") || e.getMessage().contains("not an HDF5"),
                length + ": " + e.getMessage());
        }
    }

    @Test
    void corruptedMetadataFailsAsIoException(@TempDir Path dir) throws IOException {
        byte[] whole = Files.readAllBytes(DATA.resolve("fastmri_multicoil.h5"));
        for (int start : new int[] {96, 400, 1000, 2000}) {
            byte[] bad = whole.clone();
            Arrays.fill(bad, start, start + 200, (byte) 0x7f);
            Path p = dir.resolve("bad" + start + ".h5");
            Files.write(p, bad);
            try {
                org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
                    KspaceVolume v = FastMriKspaceReader.read(p);
                    // a corruption outside what is read may leave the file readable, but never half-read
                    assertEquals(2 * 3 * 2 * 8 * 6, v.data().length);
                });
            } catch (org.opentest4j.AssertionFailedError e) {
                throw e;
            } catch (Throwable t) {
                assertTrue(t instanceof IOException, start + ": " + t);
            }
        }
    }

    @Test
    void wrongDatasetAndGarbageAreReported(@TempDir Path dir) throws IOException {
        IOException e = assertThrows(IOException.class,
            () -> FastMriKspaceReader.read(DATA.resolve("fastmri_multicoil.h5"), "reconstruction_rss"));
        assertTrue(e.getMessage().contains("reconstruction_rss"), e.getMessage());
        e = assertThrows(IOException.class,
            () -> FastMriKspaceReader.read(DATA.resolve("fastmri_multicoil.h5"), "ismrmrd_header"));
        assertTrue(e.getMessage().contains("ismrmrd_header"), e.getMessage());
        Path garbage = dir.resolve("garbage.h5");
        Files.write(garbage, new byte[4096]);
        e = assertThrows(IOException.class, () -> FastMriKspaceReader.read(garbage));
        assertTrue(e.getMessage().contains("HDF5 signature"), e.getMessage());
    }
}
