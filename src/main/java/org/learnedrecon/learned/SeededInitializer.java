package org.learnedrecon.learned;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.initializer.Initializer;
import java.util.Random;

/**
 * Deterministic weight initialisation from a seed, independent of the engine's random generator: weights are drawn
 * uniformly in {@code ±1/sqrt(fanIn)} (PyTorch's default for convolutions, {@code kaiming_uniform(a=sqrt 5)}), with
 * {@code fanIn = prod(shape[1:])}; biases start at zero. Draws come from one Java {@link Random} in DJL's parameter
 * initialisation order, which is fixed by the block structure, so the same seed gives the same network.
 */
public final class SeededInitializer implements Initializer {

    private final Random random;

    public SeededInitializer(long seed) {
        this.random = new Random(seed);
    }

    /** Sets this initialiser on all weights of {@code block} and zeros on all biases; call before initialize. */
    public static void install(Block block, long seed) {
        block.setInitializer(new SeededInitializer(seed), Parameter.Type.WEIGHT);
        block.setInitializer(Initializer.ZEROS, Parameter.Type.BIAS);
    }

    @Override
    public NDArray initialize(NDManager manager, Shape shape, DataType dataType) {
        long fanIn = shape.dimension() > 1 ? shape.slice(1).size() : shape.size();
        double bound = 1 / Math.sqrt(fanIn);
        float[] values = new float[Math.toIntExact(shape.size())];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) ((2 * random.nextDouble() - 1) * bound);
        }
        return manager.create(values, shape).toType(dataType, false);
    }
}
