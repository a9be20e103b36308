package org.learnedrecon.learned;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;

/**
 * The small convolutional update networks of the unrolled solvers: {@code depth} 3x3 convolutions ('same' padding),
 * ReLU between them and none after the last, so the output is an unconstrained additive update. The number of input
 * channels is taken from the input at initialisation.
 */
public final class SmallCnn {

    private SmallCnn() {
    }

    /**
     * @param hiddenChannels channels of the inner layers
     * @param depth number of convolutions, at least 2
     * @param outChannels channels of the update
     */
    public static SequentialBlock create(int hiddenChannels, int depth, int outChannels) {
        if (depth < 2 || hiddenChannels < 1 || outChannels < 1) {
            throw new IllegalArgumentException("SmallCnn needs depth >= 2 and positive channel counts, got depth="
                + depth + ", hidden=" + hiddenChannels + ", out=" + outChannels);
        }
        SequentialBlock block = new SequentialBlock();
        for (int i = 0; i < depth - 1; i++) {
            block.add(conv3x3(hiddenChannels)).add(Activation::relu);
        }
        block.add(conv3x3(outChannels));
        return block;
    }

    /** A 3x3 convolution with zero padding 1, so height and width are kept. */
    public static Conv2d conv3x3(int filters) {
        return Conv2d.builder().setKernelShape(new Shape(3, 3)).optPadding(new Shape(1, 1)).setFilters(filters)
            .build();
    }
}
