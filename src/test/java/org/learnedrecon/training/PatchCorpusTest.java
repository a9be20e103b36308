package org.learnedrecon.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Patches drawn from images of any size: reproducible for a seed, in [0, 1], augmented, bad sources named. */
class PatchCorpusTest {

    @Test
    void drawsAreReproducibleInRangeAndVaried() {
        PatchCorpus corpus = PatchCorpus.of(List.of("ellipses"), 24, 10);
        float[] a = corpus.draw(new Random(3));
        float[] b = corpus.draw(new Random(3));
        float[] c = corpus.draw(new Random(4));
        assertArrayEquals(a, b);
        assertFalse(Arrays.equals(a, c));
        assertEquals(24 * 24, a.length);
        for (float v : a) {
            assertTrue(v >= 0 && v <= 1, "value " + v);
        }
        assertEquals(10, corpus.size());
        assertEquals(5, corpus.fixedSample(5, 1).size());
    }

    /**
     * A fixed (test) sample visits every image of a folder: three 16 x 16 images told apart whatever flip and
     * contrast window a patch got (stripes, a checkerboard, a diagonal ramp), six patches, two of each.
     */
    @Test
    void fixedSamplesTakeEveryImageInTurn(@TempDir Path folder) throws IOException {
        for (int kind = 0; kind < 3; kind++) {
            BufferedImage image = new BufferedImage(16, 16, BufferedImage.TYPE_BYTE_GRAY);
            for (int y = 0; y < 16; y++) {
                for (int x = 0; x < 16; x++) {
                    int v = kind == 0 ? 60 + 120 * (y % 2) : kind == 1 ? 60 + 120 * ((x + y) % 2) : 8 * (x + y);
                    image.getRaster().setSample(x, y, 0, v);
                }
            }
            ImageIO.write(image, "png", folder.resolve("image" + kind + ".png").toFile());
        }
        ImageSliceDataset sample = PatchCorpus.of(List.of(folder.toString()), 16, 1).fixedSample(6, 7);
        int[] counts = new int[3];
        for (int i = 0; i < sample.size(); i++) {
            counts[kind(sample.slice(i))]++;
        }
        assertArrayEquals(new int[] {2, 2, 2}, counts);
    }

    /** 0 stripes (rows or columns constant), 1 checkerboard (period 2 both ways), 2 ramp. */
    private static int kind(float[] p) {
        boolean rows = true;
        boolean columns = true;
        for (int y = 0; y < 16; y++) {
            for (int x = 0; x < 16; x++) {
                rows &= p[y * 16 + x] == p[y * 16];
                columns &= p[y * 16 + x] == p[x];
            }
        }
        if (rows != columns) {
            return 0;
        }
        return p[0] == p[2] && p[0] != p[1] ? 1 : 2;
    }

    @Test
    void theEightSymmetriesOfTheSquare() {
        float[] p = {1, 2, 3, 4};
        assertArrayEquals(new float[] {1, 2, 3, 4}, PatchCorpus.dihedral(p, 2, 0));
        assertArrayEquals(new float[] {2, 1, 4, 3}, PatchCorpus.dihedral(p, 2, 1));
        assertArrayEquals(new float[] {3, 4, 1, 2}, PatchCorpus.dihedral(p, 2, 2));
        assertArrayEquals(new float[] {1, 3, 2, 4}, PatchCorpus.dihedral(p, 2, 4));
    }

    @Test
    void tooSmallPatchesAndMissingSourcesAreRefused() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> PatchCorpus.of(List.of("ellipses"), 4, 1))
            .getMessage().contains("patch=4"));
        assertTrue(assertThrows(IllegalArgumentException.class,
            () -> PatchCorpus.of(List.of("/no/such/folder"), 16, 1)).getMessage().contains("/no/such/folder"));
    }
}
