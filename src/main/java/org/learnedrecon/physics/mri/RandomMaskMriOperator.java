package org.learnedrecon.physics.mri;

import ai.djl.ndarray.NDManager;
import java.util.Random;
import org.learnedrecon.physics.DrawnOperator;

/**
 * Single-coil Cartesian MRI ({@link CartesianMriOperator}) whose mask is a new draw of a {@link SamplingPattern} at
 * each {@link #draw}: for training solvers that must work with any mask of the pattern. Each draw's mask lives in
 * its own sub-manager of the given one, freed at the next draw.
 */
public final class RandomMaskMriOperator extends DrawnOperator<CartesianMriOperator> {

    private final SamplingPattern pattern;
    private final int height;
    private final int width;

    /** Starts with the pattern's draw for {@code firstSeed}. */
    public RandomMaskMriOperator(NDManager manager, SamplingPattern pattern, int height, int width, long firstSeed) {
        super(manager);
        this.pattern = pattern;
        this.height = height;
        this.width = width;
        use(pattern.generate(height, width, firstSeed));
    }

    @Override
    public void draw(Random random) {
        use(pattern.generate(height, width, random.nextLong()));
    }

    private void use(SamplingMask mask) {
        use(m -> new CartesianMriOperator(m, mask));
    }

    /** The mask of the current draw. */
    public SamplingMask mask() {
        return operator().mask();
    }
}
