package org.learnedrecon.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

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
