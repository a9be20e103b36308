package org.learnedrecon.phantoms;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import net.imglib2.img.basictypeaccess.array.FloatArray;
import net.imglib2.img.planar.PlanarImg;
import net.imglib2.type.numeric.real.FloatType;
import org.junit.jupiter.api.Test;

class SheppLoganPhantomTest {

    @Test
    void sizesAndValueRange() {
        for (int n : new int[] {2, 17, 64, 255}) {
            float[] p = SheppLoganPhantom.render(n);
            assertEquals(n * n, p.length);
            for (float v : p) {
                assertTrue(v >= 0f && v <= 1f, "value " + v + " outside [0, 1] at n=" + n);
            }
        }
    }

    @Test
    void knownPixels() {
        // n = 201: grid step 0.01, pixel (row i, column j) at x = -1 + 0.01 j, y = 1 - 0.01 i.
        float[] p = SheppLoganPhantom.render(201);
        assertEquals(0.2f, p[100 * 201 + 100], 1e-6f, "centre (0, 0): skull 1 + brain -0.8");
        assertEquals(0.0f, p[100 * 201 + 122], 1e-6f, "(0.22, 0): right ventricle, 1 - 0.8 - 0.2");
        assertEquals(0.3f, p[65 * 201 + 100], 1e-6f, "(0, 0.35): ellipse 5, 1 - 0.8 + 0.1");
        assertEquals(1.0f, p[100 * 201 + 32], 1e-6f, "(-0.68, 0): skull only (brain half-axis 0.6624)");
        assertEquals(0.0f, p[0], 0f, "corner (-1, 1): background");
    }

    /** scikit-image's shepp_logan_phantom() (fixture from test-data/scripts/make_skimage_shepp_logan.py). */
    @Test
    void agreesWithScikitImage() throws Exception {
        Path fixture = Path.of(System.getProperty("lrecon.project.dir", "."), "test-data",
            "skimage-shepp-logan-400.u8");
        byte[] reference = Files.readAllBytes(fixture);
        assertEquals(400 * 400, reference.length);
        float[] p = SheppLoganPhantom.render(400);
        double maxDifference = 0;
        for (int i = 0; i < p.length; i++) {
            maxDifference = Math.max(maxDifference, Math.abs(p[i] - (reference[i] & 0xff) / 255.0));
        }
        // skimage stores 8-bit values (0.3 -> 76/255 = 0.298): only that quantisation may differ.
        assertTrue(maxDifference < 0.5 / 255 + 1e-6, "max |ours - skimage| = " + maxDifference);
    }

    @Test
    void stackRepeatsThePhantom() {
        PlanarImg<FloatType, FloatArray> stack = SheppLoganPhantom.stack(32, 3);
        assertArrayEquals(new long[] {32, 32, 3}, stack.dimensionsAsLongArray());
        float[] single = SheppLoganPhantom.render(32);
        for (int s = 0; s < 3; s++) {
            assertArrayEquals(single, stack.getPlane(s).getCurrentStorageArray());
        }
        assertArrayEquals(new long[] {32, 32}, SheppLoganPhantom.stack(32, 1).dimensionsAsLongArray());
    }

    @Test
    void badSizesAreRejected() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SheppLoganPhantom.render(1)).getMessage()
            .contains("at least 2"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SheppLoganPhantom.stack(8, 0)).getMessage()
            .contains("slices"));
    }
}
