package org.learnedrecon.learned;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.Random;

/**
 * The batch the posterior samplers run: {@code samples} chains of every slice, sample-major ({@code (S B, domain...)},
 * all slices of chain 1, then of chain 2, ...), with per-slice values broadcast to it, and the Gaussian draws that
 * drive the chains (from a seeded Java {@link Random}, so a seed gives the same samples on every engine).
 */
final class SampleBatch {

    private SampleBatch() {
    }

    /** {@code (B, s...)} to {@code (S B, s...)}: {@code samples} copies of the batch in a row. */
    static NDArray repeated(NDArray batch, int samples) {
        Shape shape = batch.getShape();
        return batch.expandDims(0).broadcast(new Shape(samples).addAll(shape))
            .reshape(new Shape(samples * shape.get(0)).addAll(shape.slice(1)));
    }

    /** One value per slice, tiled over the chains, shaped {@code (S B, 1, ..., 1)}. */
    static NDArray perSlice(double[] values, int samples, Shape domain, NDManager manager) {
        float[] tiled = new float[values.length * samples];
        for (int i = 0; i < tiled.length; i++) {
            tiled[i] = (float) values[i % values.length];
        }
        long[] shape = new long[domain.dimension() + 1];
        Arrays.fill(shape, 1);
        shape[0] = tiled.length;
        return manager.create(tiled, new Shape(shape));
    }

    /** Standard normal draws of {@code shape}. */
    static NDArray gaussian(NDManager manager, Random random, Shape shape) {
        float[] values = new float[Math.toIntExact(shape.size())];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) random.nextGaussian();
        }
        return manager.create(values, shape);
    }
}
