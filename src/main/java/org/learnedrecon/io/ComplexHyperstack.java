package org.learnedrecon.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import net.imglib2.RandomAccess;
import net.imglib2.RandomAccessibleInterval;
import net.imglib2.converter.Converters;
import net.imglib2.img.basictypeaccess.array.FloatArray;
import net.imglib2.img.planar.PlanarImg;
import net.imglib2.img.planar.PlanarImgs;
import net.imglib2.type.numeric.RealType;
import net.imglib2.type.numeric.real.FloatType;
import net.imglib2.view.Views;
import net.imglib2.view.composite.RealComposite;

/**
 * The complex image layout shared by ImageJ, ImgLib2 and DJL (k-space, coil images, complex reconstructions).
 *
 * <ul>
 * <li>ImageJ: a 32-bit hyperstack with 2 channels (channel 1 = real part, channel 2 = imaginary part), one slice
 * per image of the batch, 1 frame; TIFF keeps it.</li>
 * <li>ImgLib2: a 4-D float image (W, H, 2, B), dimension 2 = (real, imaginary); {@link ImagePlusAdapter} maps it
 * to and from the hyperstack above (also for B = 1).</li>
 * <li>DJL: a float32 tensor (B, H, W, 2), the last axis = (real, imaginary), i.e. PyTorch's
 * {@code view_as_real} layout of a complex (B, H, W) tensor.</li>
 * </ul>
 * Magnitude and phase are read-only views, computed on access.
 */
public final class ComplexHyperstack {

    private ComplexHyperstack() {
    }

    /** A (B, H, W, 2) float32 tensor holding a copy of a (W, H, 2[, B]) complex image. */
    public static NDArray toTensor(NDManager manager, RandomAccessibleInterval<? extends RealType<?>> complex) {
        requireComplexLayout(complex);
        int w = (int) complex.dimension(0);
        int h = (int) complex.dimension(1);
        int batch = complex.numDimensions() == 4 ? (int) complex.dimension(3) : 1;
        float[] data = new float[2 * w * h * batch];
        RandomAccess<? extends RealType<?>> access = complex.randomAccess();
        long[] pos = new long[complex.numDimensions()];
        for (int b = 0; b < batch; b++) {
            if (pos.length == 4) {
                pos[3] = complex.min(3) + b;
            }
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    for (int c = 0; c < 2; c++) {
                        pos[0] = complex.min(0) + x;
                        pos[1] = complex.min(1) + y;
                        pos[2] = complex.min(2) + c;
                        access.setPosition(pos);
                        data[(((b * h) + y) * w + x) * 2 + c] = access.get().getRealFloat();
                    }
                }
            }
        }
        return manager.create(data, new Shape(batch, h, w, 2));
    }

    /** A (W, H, 2, B) image of a (B, H, W, 2) or (H, W, 2) real-view tensor, or of a complex64 (B, H, W) one. */
    public static PlanarImg<FloatType, FloatArray> toImg(NDArray tensor) {
        if (tensor.getDataType() == DataType.COMPLEX64) {
            // DJL cannot read complex64 buffers directly; real() is PyTorch's view_as_real, shape (..., 2).
            try (NDArray real = tensor.real()) {
                return toImg(real);
            }
        }
        Shape shape = tensor.getShape();
        int n = shape.dimension();
        if ((n != 3 && n != 4) || shape.get(n - 1) != 2) {
            throw new IllegalArgumentException("Expected a (B, H, W, 2) or (H, W, 2) real-view complex tensor, got "
                + "shape " + shape);
        }
        int h = (int) shape.get(n - 3);
        int w = (int) shape.get(n - 2);
        int batch = n == 4 ? (int) shape.get(0) : 1;
        float[] data;
        if (tensor.getDataType() == DataType.FLOAT32) {
            data = tensor.toFloatArray();
        } else {
            try (NDArray converted = tensor.toType(DataType.FLOAT32, true)) {
                data = converted.toFloatArray();
            }
        }
        PlanarImg<FloatType, FloatArray> img = PlanarImgs.floats(w, h, 2, batch);
        for (int b = 0; b < batch; b++) {
            for (int c = 0; c < 2; c++) {
                // PlanarImg plane index: dimension 2 fastest, then dimension 3.
                float[] plane = img.getPlane(b * 2 + c).getCurrentStorageArray();
                for (int i = 0; i < w * h; i++) {
                    plane[i] = data[(b * w * h + i) * 2 + c];
                }
            }
        }
        return img;
    }

    /** |z| of a (W, H, 2[, B]) complex image, as a (W, H[, B]) view. */
    public static RandomAccessibleInterval<FloatType> magnitude(RandomAccessibleInterval<? extends RealType<?>>
        complex) {
        return Converters.convert(components(complex), (in, out) -> {
            double re = in.get(0).getRealDouble();
            double im = in.get(1).getRealDouble();
            out.setReal(Math.hypot(re, im));
        }, new FloatType());
    }

    /** arg(z) in radians, in (-pi, pi], of a (W, H, 2[, B]) complex image, as a (W, H[, B]) view. */
    public static RandomAccessibleInterval<FloatType> phase(RandomAccessibleInterval<? extends RealType<?>>
        complex) {
        return Converters.convert(components(complex), (in, out) -> {
            out.setReal(Math.atan2(in.get(1).getRealDouble(), in.get(0).getRealDouble()));
        }, new FloatType());
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static <T extends RealType<T>> RandomAccessibleInterval<RealComposite<T>> components(
        RandomAccessibleInterval<? extends RealType<?>> complex) {
        requireComplexLayout(complex);
        RandomAccessibleInterval<T> typed = (RandomAccessibleInterval) complex;
        // Views.collapseReal folds the last dimension, so move the (real, imaginary) axis there first.
        return Views.collapseReal(Views.moveAxis(typed, 2, typed.numDimensions() - 1));
    }

    private static void requireComplexLayout(RandomAccessibleInterval<?> complex) {
        int n = complex.numDimensions();
        if ((n != 3 && n != 4) || complex.dimension(2) != 2) {
            StringBuilder dims = new StringBuilder();
            for (int d = 0; d < n; d++) {
                dims.append(d == 0 ? "" : " x ").append(complex.dimension(d));
            }
            throw new IllegalArgumentException("Complex images are (W, H, 2[, B]) with dimension 2 = (real, "
                + "imaginary), i.e. 2-channel hyperstacks; got " + dims);
        }
    }
}
