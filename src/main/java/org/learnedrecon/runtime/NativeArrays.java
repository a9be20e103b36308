package org.learnedrecon.runtime;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * Arrays whose memory PyTorch owns, for everything an autograd graph may keep until its backward pass.
 *
 * <p>DJL 0.35's PyTorch engine makes a tensor from Java data ({@code NDManager.create(float[])}, and the constant of
 * every arithmetic with a Java number, {@code x.mul(2f)}, {@code x.div(norm)}) over a direct {@code ByteBuffer}
 * without copying; the buffer is freed when the Java array object is garbage collected. {@code x.mul(2f)} closes its
 * constant at once, and a memory scope closes the arrays it made, yet the graph still holds the tensor for the
 * backward pass ({@code d(2x)/dx} reads the 2). A garbage collection between forward and backward frees that
 * memory, the next allocations reuse it, and the gradients read whatever lies there: measured, a gradient of
 * {@code x.mul(3f)} became 1.4e-45 instead of 3, and an equivariant-imaging step of an LGD with a TV start (100 TV
 * iterations between the passes) gave NaN gradients every time. The arrays made here are copies in PyTorch's own,
 * reference-counted memory, safe to close at once.
 */
public final class NativeArrays {

    private NativeArrays() {
    }

    /** A 0-d array of {@code value} in the data type of {@code like}, attached to {@code like}'s manager. */
    public static NDArray scalar(NDArray like, double value) {
        return like.getManager().full(new Shape(), (float) value, like.getDataType());
    }

    /** {@code x * factor}, safe inside an autograd graph. */
    public static NDArray times(NDArray x, double factor) {
        try (NDArray constant = scalar(x, factor)) {
            return x.mul(constant);
        }
    }

    /** {@code x / divisor}, safe inside an autograd graph. */
    public static NDArray dividedBy(NDArray x, double divisor) {
        try (NDArray constant = scalar(x, divisor)) {
            return x.div(constant);
        }
    }

    /** {@code values} reshaped to {@code shape}, copied into PyTorch's memory, attached to {@code manager}. */
    public static NDArray copyOf(NDManager manager, float[] values, Shape shape) {
        try (NDArray blob = manager.create(values, shape)) {
            return blob.duplicate();
        }
    }
}
