package org.learnedrecon.physics.ct;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.Locale;
import java.util.function.BiConsumer;
import java.util.stream.IntStream;
import org.learnedrecon.physics.ForwardOperator;

/**
 * The CT ray transform {@code A}: image {@code (B, N, N)} to sinogram {@code (B, angles, detectors)}, line
 * integrals in pixel units along the rays of a {@link CtGeometry} (conventions there), computed with Joseph's
 * kernel. One kernel, two backends:
 *
 * <ul>
 *   <li>{@link #matrixFree(CtGeometry)}: plain multi-threaded Java on {@code float[]} copies of the tensors, for
 *       classical solvers and large sizes. Memory O(image + sinogram) plus two padded image buffers per thread for
 *       the adjoint. Not differentiable. Measured (CtBenchmark, 2 shared cores): 512 x 512 with 512 angles,
 *       forward ≈ 0.07-0.14 s, adjoint ≈ 0.05-0.11 s.</li>
 *   <li>{@link #differentiable(CtGeometry, NDManager)}: the same weights as a DJL sparse COO matrix (and its
 *       transpose), applied with {@code matMul}, so autograd flows through it and it runs on the manager's device.
 *       Memory ≈ 40 bytes per non-zero (int64 row + int64 column + float32 value, for {@code A} and {@code A^T});
 *       refused above a budget (default {@link #DEFAULT_SPARSE_BUDGET_BYTES}) with the numbers in the message.</li>
 * </ul>
 *
 * <p>Memory, computed with {@link #countNonZeros} (parallel beam, {@code ceil(N sqrt 2)} detectors):
 * <table>
 *   <caption>Sparse backend size</caption>
 *   <tr><th>image</th><th>angles</th><th>non-zeros</th><th>A + A^T</th></tr>
 *   <tr><td>128 x 128</td><td>128</td><td>3.75e6</td><td>0.14 GiB</td></tr>
 *   <tr><td>256 x 256</td><td>256</td><td>3.01e7</td><td>1.12 GiB</td></tr>
 *   <tr><td>512 x 512</td><td>720</td><td>3.39e8</td><td>12.6 GiB: refused under the 2 GiB budget</td></tr>
 * </table>
 * Building the matrices also takes a transient 20 bytes per non-zero of Java heap. The matrix-free backend at
 * 512 x 512 with 720 angles needs the 1 MiB image and 2 MiB sinogram copies, 2 MiB of zero-padded image copies
 * for the forward projection and 2 MiB per thread for the adjoint.
 *
 * <p>Inputs are checked (shape, NaN/Inf) and never modified; results are attached to the input's manager.
 */
public final class RayTransform implements ForwardOperator {

    /** 2 GiB: the default limit on the sparse matrices of the differentiable backend. */
    public static final long DEFAULT_SPARSE_BUDGET_BYTES = 2L << 30;

    /** Bytes per stored non-zero for the {@code A}, {@code A^T} pair: 2 x (8 + 8 + 4). */
    public static final int SPARSE_BYTES_PER_NONZERO = 40;

    private final CtGeometry geometry;
    private final JosephProjector projector;
    private final NDArray matrix;
    private final NDArray transpose;
    private final long nonZeros;

    private RayTransform(CtGeometry geometry, JosephProjector projector, NDArray matrix, NDArray transpose,
                         long nonZeros) {
        this.geometry = geometry;
        this.projector = projector;
        this.matrix = matrix;
        this.transpose = transpose;
        this.nonZeros = nonZeros;
    }

    /** The matrix-free twin of a sparse-matrix transform ({@link #withoutAutograd}), made on first use. */
    private volatile RayTransform matrixFreeTwin;

    /** This if matrix-free, else the matrix-free transform of the same geometry (the same values, no autograd). */
    @Override
    public RayTransform withoutAutograd() {
        if (matrix == null) {
            return this;
        }
        RayTransform twin = matrixFreeTwin;
        if (twin == null) {
            twin = new RayTransform(geometry, projector, null, null, -1);
            matrixFreeTwin = twin;
        }
        return twin;
    }

    /** The multi-threaded Java backend. */
    public static RayTransform matrixFree(CtGeometry geometry) {
        return new RayTransform(geometry, new JosephProjector(geometry), null, null, -1);
    }

    /** The sparse-matrix backend with the default 2 GiB budget; matrices live in (and die with) {@code manager}. */
    public static RayTransform differentiable(CtGeometry geometry, NDManager manager) {
        return differentiable(geometry, manager, DEFAULT_SPARSE_BUDGET_BYTES);
    }

    /**
     * The sparse-matrix backend.
     *
     * @param budgetBytes largest accepted size of the two sparse matrices
     * @throws IllegalArgumentException when the matrices would exceed the budget (message gives the numbers)
     */
    public static RayTransform differentiable(CtGeometry geometry, NDManager manager, long budgetBytes) {
        JosephProjector projector = new JosephProjector(geometry);
        long nnz = projector.countNonZeros();
        long bytes = nnz * SPARSE_BYTES_PER_NONZERO;
        if (bytes > budgetBytes || nnz > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "The differentiable ray transform for %s"
                + " needs %d non-zeros = %.2f GiB of sparse matrices, over the budget of %.2f GiB: use fewer angles"
                + " or a smaller image, or RayTransform.matrixFree (not differentiable)", geometry, nnz,
                bytes / (double) (1L << 30), budgetBytes / (double) (1L << 30)));
        }
        int count = (int) nnz;
        int angles = geometry.angleCount();
        int detectors = geometry.detectorCount();
        long[] perAngle = IntStream.range(0, angles).parallel().mapToLong(a -> {
            long[] c = new long[1];
            double[] ray = new double[4];
            double[] s = new double[6];
            for (int d = 0; d < detectors; d++) {
                projector.weights(a, d, ray, s, (p, w) -> c[0]++);
            }
            return c[0];
        }).toArray();
        int[] offsets = new int[angles + 1];
        for (int a = 0; a < angles; a++) {
            offsets[a + 1] = offsets[a] + (int) perAngle[a];
        }
        long[] rows = new long[count];
        long[] columns = new long[count];
        float[] values = new float[count];
        IntStream.range(0, angles).parallel().forEach(a -> {
            int[] at = {offsets[a]};
            double[] ray = new double[4];
            double[] s = new double[6];
            for (int d = 0; d < detectors; d++) {
                long row = (long) a * detectors + d;
                projector.weights(a, d, ray, s, (p, w) -> {
                    rows[at[0]] = row;
                    columns[at[0]] = p;
                    values[at[0]++] = w;
                });
            }
        });
        long sinogramSize = (long) angles * detectors;
        long imageSize = (long) geometry.imageSize() * geometry.imageSize();
        NDArray a = TorchSparseMatrix.create(manager, rows, columns, values, new Shape(sinogramSize, imageSize));
        NDArray at = TorchSparseMatrix.create(manager, columns, rows, values, new Shape(imageSize, sinogramSize));
        return new RayTransform(geometry, projector, a, at, nnz);
    }

    /**
     * Exact number of non-zero weights of the ray transform matrix of {@code geometry} (one pass over all rays,
     * nothing stored); multiply by {@link #SPARSE_BYTES_PER_NONZERO} for the differentiable backend's memory.
     */
    public static long countNonZeros(CtGeometry geometry) {
        return new JosephProjector(geometry).countNonZeros();
    }

    public CtGeometry geometry() {
        return geometry;
    }

    /** Non-zeros of the sparse matrix, or -1 for the matrix-free backend. */
    public long nonZeros() {
        return nonZeros;
    }

    @Override
    public Shape domainShape() {
        return geometry.imageShape();
    }

    @Override
    public Shape rangeShape() {
        return geometry.sinogramShape();
    }

    @Override
    public boolean isDifferentiable() {
        return matrix != null;
    }

    @Override
    public NDArray apply(NDArray x) {
        int n = geometry.imageSize();
        long batch = checkBatch(x, "image", "rows", n, "columns", n, "image size " + n + " x " + n);
        if (matrix != null) {
            return sparseProduct(matrix, x, batch, rangeShape());
        }
        return sliceBySlice(x, "image", rangeShape(), projector::forward);
    }

    @Override
    public NDArray adjoint(NDArray y) {
        long batch = checkBatch(y, "sinogram", "rows (angles)", geometry.angleCount(), "columns (detectors)",
            geometry.detectorCount(), null);
        if (transpose != null) {
            return sparseProduct(transpose, y, batch, domainShape());
        }
        return sliceBySlice(y, "sinogram", domainShape(), projector::adjoint);
    }

    /** Runs a one-slice Java kernel over the batch {@code x}; the result has shape {@code (B, out...)}. */
    private static NDArray sliceBySlice(NDArray x, String what, Shape out, BiConsumer<float[], float[]> kernel) {
        float[] values = floats(x);
        checkFinite(values, what);
        int batch = (int) x.getShape().get(0);
        int inSize = values.length / Math.max(1, batch);
        int outSize = (int) out.size();
        float[] result = new float[batch * outSize];
        float[] slice = new float[outSize];
        for (int b = 0; b < batch; b++) {
            kernel.accept(Arrays.copyOfRange(values, b * inSize, (b + 1) * inSize), slice);
            System.arraycopy(slice, 0, result, b * outSize, outSize);
        }
        return x.getManager().create(result, new Shape(batch).addAll(out));
    }

    /** {@code (B, in...)} -> {@code M (B, in)^T} reshaped to {@code (B, out...)}, with autograd. */
    private static NDArray sparseProduct(NDArray m, NDArray x, long batch, Shape out) {
        NDManager owner = x.getManager();
        try (NDManager scope = owner.newSubManager()) {
            // a view moved into the scope first, so every temporary derived from it is freed with the scope
            NDArray flat = x.reshape(batch, -1);
            flat.attach(scope);
            NDArray values = flat.toType(DataType.FLOAT32, false);
            values.attach(scope);
            if (values.isNaN().logicalOr(values.isInfinite()).any().getBoolean()) {
                throw new IllegalArgumentException("The input of the ray transform contains NaN or infinite values");
            }
            NDArray product = m.matMul(values.transpose());
            product.attach(scope);
            NDArray result = product.transpose().reshape(new Shape(batch).addAll(out));
            result.attach(owner);
            return result;
        }
    }

    /**
     * The values of {@code x} as a float array (a copy), converting other types in a scope so no temporary stays
     * attached to the input's manager.
     */
    public static float[] floats(NDArray x) {
        if (x.getDataType() == DataType.FLOAT32) {
            return x.toFloatArray();
        }
        try (NDManager scope = x.getManager().newSubManager()) {
            NDArray view = x.reshape(-1);
            view.attach(scope);
            return view.toType(DataType.FLOAT32, false).toFloatArray();
        }
    }

    /**
     * Checks a batch {@code (B, size1, size2)}; messages name the axis, e.g. "The sinogram has 60 rows (angles) but
     * the geometry has 30 angles". {@code unit == null} takes the unit from the bracket of the axis name.
     */
    private static long checkBatch(NDArray x, String what, String axis1, long size1, String axis2, long size2,
                                   String unit) {
        Shape s = x.getShape();
        if (s.dimension() != 3) {
            throw new IllegalArgumentException("The " + what + " batch must have shape (B, " + size1 + ", " + size2
                + "), got " + s);
        }
        checkAxis(what, s.get(1), axis1, size1, unit);
        checkAxis(what, s.get(2), axis2, size2, unit);
        return s.get(0);
    }

    private static void checkAxis(String what, long actual, String axis, long expected, String unit) {
        if (actual != expected) {
            String units = unit == null ? " " + axis.replaceAll(".*\\(|\\)", "") : " (" + unit + ")";
            throw new IllegalArgumentException("The " + what + " has " + actual + " " + axis
                + " but the geometry has " + expected + units);
        }
    }

    private static void checkFinite(float[] values, String what) {
        for (int i = 0; i < values.length; i++) {
            if (!Float.isFinite(values[i])) {
                throw new IllegalArgumentException("The " + what + " contains " + values[i] + " at flat index " + i
                    + ": the ray transform needs finite values");
            }
        }
    }
}
