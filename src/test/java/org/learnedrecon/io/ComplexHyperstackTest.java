package org.learnedrecon.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ij.ImagePlus;
import ij.io.FileSaver;
import ij.io.Opener;
import java.nio.file.Path;
import net.imglib2.RandomAccess;
import net.imglib2.RandomAccessibleInterval;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.img.basictypeaccess.array.FloatArray;
import net.imglib2.img.planar.PlanarImg;
import net.imglib2.type.numeric.real.FloatType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.learnedrecon.runtime.DeepLearningRuntime;

class ComplexHyperstackTest {

    /** (B=2, 2, H=1, W=2): z[b][0][x] = (b + 1) (3 + 4i) for x = 0, and i (b + 1) for x = 1. */
    private static final float[] TENSOR = {3, 0, 4, 1, 6, 0, 8, 2};

    @Test
    void tensorImageHyperstackTensorRoundTrip(@TempDir Path dir) {
        DeepLearningRuntime.run(() -> {
            try (NDManager manager = NDManager.newBaseManager()) {
                NDArray tensor = manager.create(TENSOR, new Shape(2, 2, 1, 2));
                PlanarImg<FloatType, FloatArray> img = ComplexHyperstack.toImg(tensor);
                assertArrayEquals(new long[] {2, 1, 2, 2}, img.dimensionsAsLongArray());
                // PlanarImg plane 2 b + c: c = 1 (imaginary) of sample b = 1 holds {8, 2}.
                assertArrayEquals(new float[] {8, 2}, img.getPlane(1 * 2 + 1).getCurrentStorageArray());
                assertArrayEquals(new float[] {6, 0}, img.getPlane(2).getCurrentStorageArray());
                assertArrayEquals(new float[] {3, 0}, img.getPlane(0).getCurrentStorageArray());

                ImagePlus imp = ImagePlusAdapter.toImagePlus(img, "k-space");
                assertEquals(2, imp.getNChannels());
                assertEquals(2, imp.getNSlices());
                String file = dir.resolve("kspace.tif").toString();
                assertTrue(new FileSaver(imp).saveAsTiff(file));
                ImagePlus opened = new Opener().openImage(file);
                assertEquals(2, opened.getNChannels(), "TIFF keeps the 2-channel layout");

                NDArray back = ComplexHyperstack.toTensor(manager, ImagePlusAdapter.toImg(opened));
                assertEquals(new Shape(2, 2, 1, 2), back.getShape());
                assertArrayEquals(TENSOR, back.toFloatArray());
            }
        });
    }

    /** Two coils, one sample: channels (coil 0 re, coil 0 im, coil 1 re, coil 1 im) <-> (B, C, 2, H, W). */
    @Test
    void multiCoilTensorsMapToTwoChannelsPerCoil() {
        DeepLearningRuntime.run(() -> {
            try (NDManager manager = NDManager.newBaseManager()) {
                float[] values = {1, 2, 3, 4, 5, 6, 7, 8};
                NDArray tensor = manager.create(values, new Shape(1, 2, 2, 1, 2));
                PlanarImg<FloatType, FloatArray> img = ComplexHyperstack.toImg(tensor);
                assertArrayEquals(new long[] {2, 1, 4, 1}, img.dimensionsAsLongArray());
                assertArrayEquals(new float[] {7, 8}, img.getPlane(3).getCurrentStorageArray(), "coil 1 imaginary");
                assertEquals(2, ComplexHyperstack.coils(img));
                NDArray back = ComplexHyperstack.toTensor(manager, img);
                assertEquals(new Shape(1, 2, 2, 1, 2), back.getShape());
                assertArrayEquals(values, back.toFloatArray());
                NDArray single = ComplexHyperstack.toMultiCoilTensor(manager,
                    ComplexHyperstack.toImg(manager.create(TENSOR, new Shape(2, 2, 1, 2))));
                assertEquals(new Shape(2, 1, 2, 1, 2), single.getShape());
            }
        });
    }

    @Test
    void magnitudeAndPhaseViews() {
        var img = ArrayImgs.floats(new float[] {3, -1, 4, 0}, 2, 1, 2);
        RandomAccessibleInterval<FloatType> magnitude = ComplexHyperstack.magnitude(img);
        RandomAccessibleInterval<FloatType> phase = ComplexHyperstack.phase(img);
        assertArrayEquals(new long[] {2, 1}, magnitude.dimensionsAsLongArray());
        RandomAccess<FloatType> m = magnitude.randomAccess();
        RandomAccess<FloatType> p = phase.randomAccess();
        m.setPosition(new long[] {0, 0});
        p.setPosition(new long[] {0, 0});
        assertEquals(5f, m.get().get(), 1e-6f);
        assertEquals((float) Math.atan2(4, 3), p.get().get(), 1e-6f);
        m.setPosition(new long[] {1, 0});
        p.setPosition(new long[] {1, 0});
        assertEquals(1f, m.get().get(), 1e-6f);
        assertEquals((float) Math.PI, p.get().get(), 1e-6f, "-1 + 0i has phase pi");
    }

    @Test
    void wrongLayoutsAreRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> ComplexHyperstack.magnitude(ArrayImgs.floats(4, 4, 3)));
        assertTrue(e.getMessage().contains("4 x 4 x 3"), e.getMessage());
        DeepLearningRuntime.run(() -> {
            try (NDManager manager = NDManager.newBaseManager()) {
                assertThrows(IllegalArgumentException.class,
                    () -> ComplexHyperstack.toImg(manager.zeros(new Shape(2, 3, 4, 4))));
                IllegalArgumentException odd = assertThrows(IllegalArgumentException.class,
                    () -> ComplexHyperstack.toTensor(manager, ArrayImgs.floats(4, 4, 3, 2)));
                assertTrue(odd.getMessage().contains("even"), odd.getMessage());
            }
        });
    }
}
