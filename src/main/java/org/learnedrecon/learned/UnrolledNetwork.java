package org.learnedrecon.learned;

import java.util.Map;
import org.learnedrecon.physics.ForwardOperator;

/**
 * A reconstruction network of {@code iterations} unrolled steps, each with its own {@link SmallCnn}s of
 * {@code hiddenChannels} channels and {@code depth} convolutions; trains through the (differentiable) operator.
 */
public abstract class UnrolledNetwork extends ReconstructionNetwork {

    protected final int iterations;
    protected final int hiddenChannels;
    protected final int depth;

    protected UnrolledNetwork(ForwardOperator operator, double operatorNorm, int iterations, int hiddenChannels,
        int depth) {
        super(operator, operatorNorm, true);
        if (iterations < 1) {
            throw new IllegalArgumentException("iterations must be >= 1, got " + iterations);
        }
        this.iterations = iterations;
        this.hiddenChannels = hiddenChannels;
        this.depth = depth;
    }

    @Override
    public Map<String, String> hyperParameters() {
        Map<String, String> map = super.hyperParameters();
        map.put("iterations", Integer.toString(iterations));
        map.put("hiddenChannels", Integer.toString(hiddenChannels));
        map.put("depth", Integer.toString(depth));
        return map;
    }
}
