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
        long[] shape = dimensions(image);
        float[] data = new float[Math.toIntExact(shape[0] * shape[1] * shape[2])];
        Cursor<? extends RealType<?>> cursor = Views.flatIterable(image).cursor();
        for (int i = 0; i < data.length; i++) {
            data[i] = cursor.next().getRealFloat();
        }
        return manager.create(data, new Shape(shape));
    }

    /**
     * As {@link #toTensor}, for a command's input stack: every pixel must be finite (the first that is not fails as
     * {@link ImageRequirements#requireFinite} does), and {@code beforePlane} runs before each 2-D plane is copied,
     * so a cancel check there stops the copy of a large stack within one plane (a 720 x 725 sinogram: about 10 ms)
     * rather than after the whole stack.
     */
    public static NDArray toFiniteTensor(NDManager manager, MetadataImage image, Runnable beforePlane) {
        RandomAccessibleInterval<FloatType> img = image.image();
        long plane = img.dimension(0) * (img.numDimensions() > 1 ? img.dimension(1) : 1);
        long[] shape = dimensions(img);
        float[] data = new float[Math.toIntExact(shape[0] * shape[1] * shape[2])];
        Cursor<FloatType> cursor = Views.flatIterable(img).localizingCursor();
        for (int i = 0; i < data.length; i++) {
            if (i % plane == 0) {
                beforePlane.run();
            }
            float v = cursor.next().get();
            if (!Float.isFinite(v)) {
                throw ImageRequirements.nonFinite(image.title(), v, cursor.positionAsLongArray());
            }
            data[i] = v;
        }
        return manager.create(data, new Shape(shape));
    }

    /** The (B, H, W) tensor shape of an image, checked to fit one Java array. */
    private static long[] dimensions(RandomAccessibleInterval<?> image) {
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
        return new long[] {batch, h, w};
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
