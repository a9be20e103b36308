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
 * <li>ImageJ: a 32-bit hyperstack with {@code 2 C} channels ordered (coil 0 real, coil 0 imaginary, coil 1 real,
 * ...), {@code C = 1} for a single complex image; one slice per image of the batch, 1 frame; TIFF keeps it.</li>
 * <li>ImgLib2: a 4-D float image (W, H, 2C, B); {@link ImagePlusAdapter} maps it to and from the hyperstack above
 * (also for B = 1).</li>
 * <li>DJL: channel-first float32 tensors as the MRI core ({@code physics.mri}) uses them: (B, 2, H, W) for one
 * coil, (B, C, 2, H, W) for C coils; axis "2" = (real, imaginary).</li>
 * </ul>
 * Magnitude and phase are read-only views of single-coil images, computed on access.
 */
public final class ComplexHyperstack {

    private ComplexHyperstack() {
    }

    /** Number of complex coils of a (W, H, 2C[, B]) image: C; fails when the channel count is odd. */
    public static int coils(RandomAccessibleInterval<?> complex) {
        requireComplexLayout(complex, false);
        return (int) (complex.dimension(2) / 2);
    }

    /**
     * A float32 tensor holding a copy of a (W, H, 2C[, B]) complex image: (B, 2, H, W) when C = 1, else
     * (B, C, 2, H, W).
     */
    public static NDArray toTensor(NDManager manager, RandomAccessibleInterval<? extends RealType<?>> complex) {
        return toTensor(manager, complex, coils(complex));
    }

    /** As {@link #toTensor(NDManager, RandomAccessibleInterval)}, always (B, C, 2, H, W) (also for C = 1). */
    public static NDArray toMultiCoilTensor(NDManager manager, RandomAccessibleInterval<? extends RealType<?>>
        complex) {
        int coils = coils(complex);
        NDArray t = toTensor(manager, complex, coils);
        return coils == 1 ? t.expandDims(1) : t;
    }

    private static NDArray toTensor(NDManager manager, RandomAccessibleInterval<? extends RealType<?>> complex,
        int coils) {
        int w = (int) complex.dimension(0);
        int h = (int) complex.dimension(1);
        int batch = complex.numDimensions() == 4 ? (int) complex.dimension(3) : 1;
        Shape shape = coils == 1 ? new Shape(batch, 2, h, w) : new Shape(batch, coils, 2, h, w);
        return manager.create(values(complex), shape);
    }

    /**
     * A copy of a (W, H, 2C[, B]) complex image's values in the row-major order of {@link #toTensor}'s (B, 2C, H, W),
     * without DJL (so it runs before the engine is set up, e.g. while a command reads its inputs).
     */
    public static float[] values(RandomAccessibleInterval<? extends RealType<?>> complex) {
        int w = (int) complex.dimension(0);
        int h = (int) complex.dimension(1);
        int channels = (int) complex.dimension(2);
        int batch = complex.numDimensions() == 4 ? (int) complex.dimension(3) : 1;
        float[] data = new float[channels * w * h * batch];
        RandomAccess<? extends RealType<?>> access = complex.randomAccess();
        long[] pos = new long[complex.numDimensions()];
        int i = 0;
        // Row-major (B, 2C, H, W) is byte-identical to (B, C, 2, H, W): channel 2c + k = coil c, part k.
        for (int b = 0; b < batch; b++) {
            if (pos.length == 4) {
                pos[3] = complex.min(3) + b;
            }
            for (int c = 0; c < channels; c++) {
                pos[2] = complex.min(2) + c;
                for (int y = 0; y < h; y++) {
                    pos[1] = complex.min(1) + y;
                    for (int x = 0; x < w; x++) {
                        pos[0] = complex.min(0) + x;
                        access.setPosition(pos);
                        data[i++] = access.get().getRealFloat();
                    }
                }
            }
        }
        return data;
    }

    /**
     * A (W, H, 2C, B) image of a channel-first complex tensor: (B, 2, H, W) or (2, H, W) (C = 1), or
     * (B, C, 2, H, W) (C coils).
     */
    public static PlanarImg<FloatType, FloatArray> toImg(NDArray tensor) {
        if (tensor.getDataType() == DataType.COMPLEX64) {
            throw new IllegalArgumentException("complex64 tensors are not channel-first: convert with "
                + "ComplexArithmetic / view-as-real and move the (real, imaginary) axis before (H, W)");
        }
        Shape shape = tensor.getShape();
        int n = shape.dimension();
        if (n < 3 || n > 5 || shape.get(n - 3) != 2) {
            throw new IllegalArgumentException("Expected a channel-first complex tensor (2, H, W), (B, 2, H, W) or "
                + "(B, C, 2, H, W), got shape " + shape);
        }
        int h = (int) shape.get(n - 2);
        int w = (int) shape.get(n - 1);
        int coils = n == 5 ? (int) shape.get(1) : 1;
        int batch = n >= 4 ? (int) shape.get(0) : 1;
        float[] data;
        if (tensor.getDataType() == DataType.FLOAT32) {
            data = tensor.toFloatArray();
        } else {
            try (NDArray converted = tensor.toType(DataType.FLOAT32, true)) {
                data = converted.toFloatArray();
            }
        }
        int channels = 2 * coils;
        PlanarImg<FloatType, FloatArray> img = PlanarImgs.floats(w, h, channels, batch);
        int plane = w * h;
        for (int p = 0; p < batch * channels; p++) {
            // PlanarImg plane index: dimension 2 (channel) fastest, then dimension 3 (batch): same order as ours.
            System.arraycopy(data, p * plane, img.getPlane(p).getCurrentStorageArray(), 0, plane);
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
        requireComplexLayout(complex, true);
        RandomAccessibleInterval<T> typed = (RandomAccessibleInterval) complex;
        // Views.collapseReal folds the last dimension, so move the (real, imaginary) axis there first.
        return Views.collapseReal(Views.moveAxis(typed, 2, typed.numDimensions() - 1));
    }

    private static void requireComplexLayout(RandomAccessibleInterval<?> complex, boolean singleCoil) {
        int n = complex.numDimensions();
        boolean ok = (n == 3 || n == 4) && (singleCoil ? complex.dimension(2) == 2
            : complex.dimension(2) >= 2 && complex.dimension(2) % 2 == 0);
        if (!ok) {
            StringBuilder dims = new StringBuilder();
            for (int d = 0; d < n; d++) {
                dims.append(d == 0 ? "" : " x ").append(complex.dimension(d));
            }
            throw new IllegalArgumentException("Complex images are (W, H, " + (singleCoil ? "2" : "2C")
                + "[, B]) hyperstacks with channels (real, imaginary" + (singleCoil ? ")" : ") per coil, an even "
                + "channel count") + "; got " + dims);
        }
    }
}
