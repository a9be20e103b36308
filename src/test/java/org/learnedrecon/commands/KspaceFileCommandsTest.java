package org.learnedrecon.commands;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import net.imglib2.Cursor;
import net.imglib2.RandomAccess;
import net.imglib2.RandomAccessibleInterval;
import net.imglib2.img.planar.PlanarImgs;
import net.imglib2.type.numeric.real.FloatType;
import net.imglib2.view.Views;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.learnedrecon.io.CflArray;
import org.learnedrecon.io.CflFormat;
import org.learnedrecon.io.MetadataImage;
import org.scijava.command.CommandService;

/** Open k-space... and Save k-space as BART cfl... on the committed fixtures, through a real CommandService. */
class KspaceFileCommandsTest extends SciJavaCommandTest {

    private static final Path DATA = Path.of("test-data", "mri");
    private static MetadataImage open(Path file) throws Exception {
        return (MetadataImage) commands.run(OpenKspaceCommand.class, false, "file", file.toFile()).get()
            .getOutput("kspace");
    }

    private static void save(MetadataImage image, Path file) throws Exception {
        commands.run(SaveKspaceCommand.class, false, "kspace", image, "file", file.toFile()).get();
    }

    /** The message of the IllegalArgumentException a failed command run ends with. */
    private static String failure(Class<? extends org.scijava.command.Command> command, Object... args) {
        ExecutionException e = assertThrows(ExecutionException.class, () -> commands.run(command, false, args).get());
        Throwable cause = e;
        while (cause.getCause() != null && !(cause instanceof IllegalArgumentException)) {
            cause = cause.getCause();
        }
        assertTrue(cause instanceof IllegalArgumentException, "unexpected failure " + e);
        return cause.getMessage();
    }

    private static float at(RandomAccessibleInterval<FloatType> image, long... pos) {
        RandomAccess<FloatType> a = image.randomAccess();
        a.setPosition(pos);
        return a.get().get();
    }

    /** fastMRI fixture: kspace[s, c, h, w] = s + 0.1 c + 0.01 h + 0.001 w + i (s - 0.5 c - h + 0.25 w). */
    @Test
    void opensMultiCoilHdf5WithEveryValueInHyperstackLayout() throws Exception {
        MetadataImage k = open(DATA.resolve("fastmri_multicoil.h5"));
        assertEquals("fastmri_multicoil.h5", k.title());
        assertArrayEquals(new long[] {6, 8, 6, 2}, k.image().dimensionsAsLongArray());
        for (int s = 0; s < 2; s++) {
            for (int c = 0; c < 3; c++) {
                for (int h = 0; h < 8; h++) {
                    for (int w = 0; w < 6; w++) {
                        assertEquals(s + 0.1 * c + 0.01 * h + 0.001 * w, at(k.image(), w, h, 2 * c, s), 1e-6);
                        assertEquals(s - 0.5 * c - h + 0.25 * w, at(k.image(), w, h, 2 * c + 1, s), 1e-6);
                    }
                }
            }
        }
        assertEquals(DATA.resolve("fastmri_multicoil.h5").toString(), k.metadata().get("mri.source"));
        assertEquals("2", k.metadata().get("mri.slices"));
        assertEquals("3", k.metadata().get("mri.coils"));
    }

    @Test
    void opensSingleCoilHdf5AsTwoChannels() throws Exception {
        MetadataImage k = open(DATA.resolve("fastmri_singlecoil.h5"));
        assertArrayEquals(new long[] {6, 8, 2, 2}, k.image().dimensionsAsLongArray());
        assertEquals(1 + 0.03 + 0.004, at(k.image(), 4, 3, 0, 1), 1e-6);
        assertEquals(1 - 3 + 1.0, at(k.image(), 4, 3, 1, 1), 1e-6);
        assertEquals("1", k.metadata().get("mri.coils"));
        assertEquals("2", k.metadata().get("mri.slices"));
    }

    /** BART [64, 64, 1, 8]: element (x, y, 0, coil) at interleaved 2 (x + 64 (y + 64 coil)), as CflFormatTest. */
    @Test
    void opensBartMultiCoilCflByEitherFileOfThePair() throws Exception {
        CflArray raw = CflFormat.read(DATA.resolve("coil8_kspace"));
        for (String name : new String[] {"coil8_kspace.cfl", "coil8_kspace.hdr"}) {
            MetadataImage k = open(DATA.resolve(name));
            assertEquals(name, k.title());
            assertArrayEquals(new long[] {64, 64, 16, 1}, k.image().dimensionsAsLongArray());
            for (int[] p : new int[][] {{5, 7, 3}, {0, 0, 0}, {63, 63, 7}, {32, 32, 5}}) {
                int idx = 2 * (p[0] + 64 * (p[1] + 64 * p[2]));
                assertEquals(raw.interleaved()[idx], at(k.image(), p[0], p[1], 2 * p[2], 0), 0f);
                assertEquals(raw.interleaved()[idx + 1], at(k.image(), p[0], p[1], 2 * p[2] + 1, 0), 0f);
            }
            assertEquals("8", k.metadata().get("mri.coils"));
            assertTrue(k.metadata().get("mri.source").endsWith(name));
        }
        // every value, in BART order x, y, coil, (re, im) == interleaved
        MetadataImage k = open(DATA.resolve("coil8_kspace.cfl"));
        float[] ours = new float[raw.interleaved().length];
        int i = 0;
        for (int c = 0; c < 8; c++) {
            for (int y = 0; y < 64; y++) {
                for (int x = 0; x < 64; x++) {
                    ours[i++] = at(k.image(), x, y, 2 * c, 0);
                    ours[i++] = at(k.image(), x, y, 2 * c + 1, 0);
                }
            }
        }
        assertArrayEquals(raw.interleaved(), ours, 0f);
    }

    @Test
    void saveThenOpenGivesIdenticalValuesAndLeavesTheInputUnchanged(@TempDir Path dir) throws Exception {
        for (String fixture : new String[] {"fastmri_multicoil.h5", "fastmri_singlecoil.h5", "coil8_kspace.cfl",
            "fft_in.cfl"}) {
            MetadataImage original = open(DATA.resolve(fixture));
            float[] before = values(original.image());
            Path out = dir.resolve(fixture.replace('.', '_') + ".cfl");
            save(original, out);
            assertArrayEquals(before, values(original.image()), 0f, fixture + ": input modified");
            MetadataImage back = open(out);
            assertArrayEquals(original.image().dimensionsAsLongArray(), back.image().dimensionsAsLongArray(),
                fixture);
            assertArrayEquals(before, values(back.image()), 0f, fixture);
        }
        // BART dimension layout: one slice keeps coils in dimension 3; slices go to dimension 13
        assertArrayEquals(new long[] {64, 64, 1, 8}, CflFormat.read(dir.resolve("coil8_kspace_cfl")).dims());
        assertArrayEquals(new long[] {12, 16}, CflFormat.read(dir.resolve("fft_in_cfl")).dims());
        long[] multi = CflFormat.read(dir.resolve("fastmri_multicoil_h5")).dims();
        assertArrayEquals(new long[] {6, 8, 1, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2}, multi);
        // the BART-written coil-8 k-space comes back byte for byte
        assertArrayEquals(Files.readAllBytes(DATA.resolve("coil8_kspace.cfl")),
            Files.readAllBytes(dir.resolve("coil8_kspace_cfl.cfl")));
    }

    @Test
    void savesANonContiguousHyperstackInBartOrder(@TempDir Path dir) throws Exception {
        // (W=3, H=2, 2 coils -> 4 channels, 1 slice) with value 1000 ch + 10 y + x
        RandomAccessibleInterval<FloatType> img = PlanarImgs.floats(3, 2, 4, 1);
        Cursor<FloatType> c = Views.flatIterable(img).localizingCursor();
        while (c.hasNext()) {
            c.fwd();
            c.get().set(1000 * c.getIntPosition(2) + 10 * c.getIntPosition(1) + c.getIntPosition(0));
        }
        save(new MetadataImage("k", img, Map.of()), dir.resolve("k.cfl"));
        CflArray a = CflFormat.read(dir.resolve("k"));
        assertArrayEquals(new long[] {3, 2, 1, 2}, a.dims());
        // element (x=2, y=1, coil=1): re = channel 2, im = channel 3
        int idx = 2 * (2 + 3 * (1 + 2 * 1));
        assertEquals(2012f, a.interleaved()[idx], 0f);
        assertEquals(3012f, a.interleaved()[idx + 1], 0f);
    }

    @Test
    void truncatedMissingAndUnsupportedFilesFailNamingTheFile(@TempDir Path dir) throws Exception {
        Files.copy(DATA.resolve("fft_in.hdr"), dir.resolve("cut.hdr"));
        byte[] cfl = Files.readAllBytes(DATA.resolve("fft_in.cfl"));
        Files.write(dir.resolve("cut.cfl"), Arrays.copyOf(cfl, cfl.length - 8));
        String m = failure(OpenKspaceCommand.class, "file", dir.resolve("cut.cfl").toFile());
        assertTrue(m.contains("cut.cfl") && m.contains("truncated"), m);

        byte[] h5 = Files.readAllBytes(DATA.resolve("fastmri_multicoil.h5"));
        Files.write(dir.resolve("cut.h5"), Arrays.copyOf(h5, h5.length / 2));
        m = failure(OpenKspaceCommand.class, "file", dir.resolve("cut.h5").toFile());
        assertTrue(m.contains("cut.h5") && m.contains("truncated"), m);

        Files.write(dir.resolve("nohdr.cfl"), cfl);
        m = failure(OpenKspaceCommand.class, "file", dir.resolve("nohdr.cfl").toFile());
        assertTrue(m.contains("nohdr.hdr") && m.contains("no BART header"), m);

        Files.writeString(dir.resolve("bad.hdr"), "# Dimensions\n12 x\n");
        Files.write(dir.resolve("bad.cfl"), cfl);
        m = failure(OpenKspaceCommand.class, "file", dir.resolve("bad.cfl").toFile());
        assertTrue(m.contains("bad.hdr") && m.contains("'x'"), m);

        Files.writeString(dir.resolve("line.hdr"), "# Dimensions\n192 1\n");
        Files.write(dir.resolve("line.cfl"), cfl);
        m = failure(OpenKspaceCommand.class, "file", dir.resolve("line.cfl").toFile());
        assertTrue(m.contains("line.cfl") && m.contains("not 2-D"), m);

        m = failure(OpenKspaceCommand.class, "file", new File("k.tif"));
        assertTrue(m.contains("k.tif") && m.contains("unsupported extension"), m);

        m = failure(SaveKspaceCommand.class, "kspace", new MetadataImage("real", PlanarImgs.floats(4, 4, 3),
            Map.of()), "file", dir.resolve("x.cfl").toFile());
        assertTrue(m.contains("kspace=real") && m.contains("even channel count"), m);
        assertTrue(Files.notExists(dir.resolve("x.cfl")));
    }
}
