package org.learnedrecon.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import net.imglib2.RandomAccess;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.img.basictypeaccess.array.FloatArray;
import net.imglib2.img.planar.PlanarImg;
import net.imglib2.type.numeric.real.FloatType;
import net.imglib2.view.Views;
import org.junit.jupiter.api.Test;
import org.learnedrecon.runtime.DeepLearningRuntime;

class TensorAdapterTest {

    @Test
    void imageBecomesBatchRowsColumns() {
        // (W=3, H=2, B=2) with value 100 b + 10 y + x.
        var img = ArrayImgs.unsignedShorts(3, 2, 2);
        var cursor = img.localizingCursor();
        while (cursor.hasNext()) {
            cursor.fwd();
            cursor.get().set(100 * cursor.getIntPosition(2) + 10 * cursor.getIntPosition(1)
                + cursor.getIntPosition(0));
        }
        DeepLearningRuntime.run(() -> {
            try (NDManager manager = NDManager.newBaseManager()) {
                NDArray t = TensorAdapter.toTensor(manager, img);
                assertEquals(new Shape(2, 2, 3), t.getShape());
                assertEquals(DataType.FLOAT32, t.getDataType());
                assertEquals(112f, t.getFloat(1, 1, 2));
                assertEquals(2f, t.getFloat(0, 0, 2));
                PlanarImg<FloatType, FloatArray> back = TensorAdapter.toImg(t);
                assertArrayEquals(new long[] {3, 2, 2}, back.dimensionsAsLongArray());
                RandomAccess<FloatType> ra = back.randomAccess();
                ra.setPosition(new long[] {2, 1, 1});
                assertEquals(112f, ra.get().get());
            }
        });
    }

    @Test
    void viewsWithOffsetsAndOtherDtypes() {
        var img = ArrayImgs.floats(new float[] {0, 1, 2, 3, 4, 5, 6, 7, 8}, 3, 3);
        DeepLearningRuntime.run(() -> {
            try (NDManager manager = NDManager.newBaseManager()) {
                // The 2 x 2 lower-right block, an interval not starting at 0.
                NDArray t = TensorAdapter.toTensor(manager, Views.interval(img, new long[] {1, 1}, new long[] {2, 2}));
                assertEquals(new Shape(1, 2, 2), t.getShape());
                assertArrayEquals(new float[] {4, 5, 7, 8}, t.toFloatArray());
                PlanarImg<FloatType, FloatArray> fromDouble = TensorAdapter.toImg(
                    manager.create(new double[] {1.5, 2.5, 3.5, 4.5}, new Shape(2, 2)));
                assertArrayEquals(new long[] {2, 2}, fromDouble.dimensionsAsLongArray());
                assertArrayEquals(new float[] {1.5f, 2.5f, 3.5f, 4.5f}, fromDouble.getPlane(0).getCurrentStorageArray());
                assertThrows(IllegalArgumentException.class, () -> TensorAdapter.toImg(manager.zeros(new Shape(4))));
            }
        });
    }
}
