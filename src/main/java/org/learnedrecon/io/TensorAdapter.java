package org.learnedrecon.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import net.imglib2.Cursor;
import net.imglib2.RandomAccessibleInterval;
import net.imglib2.img.basictypeaccess.array.FloatArray;
import net.imglib2.img.planar.PlanarImg;
import net.imglib2.img.planar.PlanarImgs;
import net.imglib2.type.numeric.RealType;
import net.imglib2.type.numeric.real.FloatType;
import net.imglib2.view.Views;

/**
 * Copies between ImgLib2 images and DJL tensors. Convention: an image of dimensions (W, H, d2, d3, ...) is a
 * float32 tensor of shape (B, H, W) with B = d2 x d3 x ... (1 for a 2-D image): the batch axis first, then rows,
 * then columns, as {@code ForwardOperator} expects. ImgLib2's flat iteration order (x fastest) is the tensor's
 * row-major order, so no transposition happens. Both directions copy; inputs are never modified.
 */
public final class TensorAdapter {

    private TensorAdapter() {
    }

    /** A float32 (B, H, W) tensor owned by {@code manager} holding a copy of {@code image}. */
    public static NDArray toTensor(NDManager manager, RandomAccessibleInterval<? extends RealType<?>> image) {
        if (image.numDimensions() < 2) {
            throw new IllegalArgumentException("A tensor image needs at least 2 dimensions, got "
                + image.numDimensions());
        }
        long w = image.dimension(0);
        long h = image.dimension(1);
        long batch = 1;
        for (int d = 2; d < image.numDimensions(); d++) {
            batch *= image.dimension(d);
        }
        long size = w * h * batch;
        if (size > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("Image of " + size + " pixels is too large for one tensor");
        }
        float[] data = new float[(int) size];
        Cursor<? extends RealType<?>> cursor = Views.flatIterable(image).cursor();
        for (int i = 0; i < data.length; i++) {
            data[i] = cursor.next().getRealFloat();
        }
        return manager.create(data, new Shape(batch, h, w));
    }

    /**
     * A (W, H) image for a (H, W) tensor or a 1-sample (1, H, W) batch, else a (W, H, B) image of a (B, H, W)
     * tensor. Other dtypes are converted to float32; complex tensors must first be viewed as real (see
     * {@link ComplexHyperstack}).
     */
    public static PlanarImg<FloatType, FloatArray> toImg(NDArray tensor) {
        Shape shape = tensor.getShape();
        if (shape.dimension() != 2 && shape.dimension() != 3) {
            throw new IllegalArgumentException("Expected a (H, W) or (B, H, W) tensor, got shape " + shape);
        }
        if (tensor.getDataType() == DataType.COMPLEX64) {
            throw new IllegalArgumentException("Complex tensor given; use ComplexHyperstack for complex data");
        }
        long h = shape.get(shape.dimension() - 2);
        long w = shape.get(shape.dimension() - 1);
        long batch = shape.dimension() == 3 ? shape.get(0) : 1;
        float[] data = tensor.getDataType() == DataType.FLOAT32 ? tensor.toFloatArray()
            : convertedToFloat(tensor);
        long[] dims = batch == 1 ? new long[] {w, h} : new long[] {w, h, batch};
        PlanarImg<FloatType, FloatArray> img = PlanarImgs.floats(dims);
        int plane = (int) (w * h);
        for (int b = 0; b < batch; b++) {
            System.arraycopy(data, b * plane, img.getPlane(b).getCurrentStorageArray(), 0, plane);
        }
        return img;
    }

    private static float[] convertedToFloat(NDArray tensor) {
        try (NDArray converted = tensor.toType(DataType.FLOAT32, true)) {
            return converted.toFloatArray();
        }
    }
}
