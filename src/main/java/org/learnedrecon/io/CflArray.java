package org.learnedrecon.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A complex array as BART stores it: dimensions in BART order (first dimension fastest, column-major) and the
 * samples as interleaved float32 (real, imaginary) pairs in that order.
 *
 * <p>Mapping to this project's channel-first layout: the row-major array with the BART dimensions reversed holds
 * the same bytes, so BART {@code [X, Y, 1, C]} is our {@code (C, H=Y, W=X)} without any copy or transposition;
 * {@link #toChannelFirst} drops singleton dimensions (keeping the last two) and puts the complex axis of length 2
 * just before the last two axes, e.g. {@code (C, 2, H, W)}.
 */
public record CflArray(long[] dims, float[] interleaved) {

    public CflArray {
        long n = 1;
        for (long d : dims) {
            if (d <= 0) {
                throw new IllegalArgumentException("BART dimensions must be positive, got " + Arrays.toString(dims));
            }
            n *= d;
        }
        if (interleaved.length != 2 * n) {
            throw new IllegalArgumentException("Dimensions " + Arrays.toString(dims) + " need " + (2 * n)
                + " floats, got " + interleaved.length);
        }
    }

    /** Number of complex elements. */
    public long elementCount() {
        return interleaved.length / 2;
    }

    /** The array in channel-first layout {@code (..., 2, H, W)} (see class comment), attached to {@code manager}. */
    public NDArray toChannelFirst(NDManager manager) {
        List<Long> reversed = new ArrayList<>();
        for (int i = dims.length - 1; i >= 0; i--) {
            reversed.add(dims[i]);
        }
        List<Long> kept = new ArrayList<>();
        for (int i = 0; i < reversed.size(); i++) {
            if (reversed.get(i) != 1 || i >= reversed.size() - 2) {
                kept.add(reversed.get(i));
            }
        }
        while (kept.size() < 2) {
            kept.add(0, 1L);
        }
        long[] shape = new long[kept.size() + 1];
        for (int i = 0; i < kept.size(); i++) {
            shape[i] = kept.get(i);
        }
        shape[kept.size()] = 2;
        try (NDManager scope = manager.newSubManager()) {
            NDArray last = scope.create(interleaved, new Shape(shape));
            int nd = shape.length;
            NDArray re = last.get(new NDIndex("..., 0"));
            NDArray im = last.get(new NDIndex("..., 1"));
            NDArray out = re.stack(im, nd - 3).toType(DataType.FLOAT32, true);
            out.attach(manager);
            return out;
        }
    }

    /**
     * The channel-first array {@code (..., 2, H, W)} in BART order: BART dimensions are the non-complex axes
     * reversed ({@code W} first).
     */
    public static CflArray fromChannelFirst(NDArray array) {
        Shape s = array.getShape();
        int nd = s.dimension();
        if (nd < 3 || s.get(nd - 3) != 2) {
            throw new IllegalArgumentException("Expected a complex array (..., 2, H, W), got shape " + s);
        }
        try (NDManager scope = array.getManager().newSubManager()) {
            NDArray a = array.duplicate();
            a.attach(scope);
            NDArray re = a.get(new NDIndex("..., 0, :, :"));
            NDArray im = a.get(new NDIndex("..., 1, :, :"));
            float[] data = re.stack(im, -1).toType(DataType.FLOAT32, false).toFloatArray();
            long[] dims = new long[nd - 1];
            int j = 0;
            for (int i = nd - 1; i >= 0; i--) {
                if (i != nd - 3) {
                    dims[j++] = s.get(i);
                }
            }
            return new CflArray(dims, data);
        }
    }
}
