package org.learnedrecon.learned;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;
import org.learnedrecon.physics.ForwardOperator;
import org.learnedrecon.runtime.NativeArrays;

/**
 * Learned gradient descent (Adler &amp; Öktem 2017, "Solving ill-posed inverse problems using iterative deep neural
 * networks"): {@code K} unrolled steps {@code x <- x + Λ_k([x, A*(A x - y)])}, with the operator normalised to unit
 * norm (see {@link ReconstructionNetwork}) and a separate small CNN {@code Λ_k} per step (weights not shared).
 */
public class LearnedGradientDescent extends UnrolledNetwork {

    public static final String ARCHITECTURE = "lgd";

    private final List<Block> steps = new ArrayList<>();

    /**
     * @param iterations number of unrolled steps K
     * @param hiddenChannels channels of each step's CNN
     * @param depth convolutions per step's CNN
     */
    public LearnedGradientDescent(ForwardOperator operator, double operatorNorm, int iterations, int hiddenChannels,
        int depth) {
        super(operator, operatorNorm, iterations, hiddenChannels, depth);
        int c = ChannelLayout.channels(operator.domainShape());
        for (int k = 0; k < iterations; k++) {
            steps.add(addChildBlock("step" + k, SmallCnn.create(hiddenChannels, depth, c)));
        }
    }

    @Override
    public String architecture() {
        return ARCHITECTURE;
    }

    /**
     * Sets the last convolution of every step to zero, so that the network returns its initial reconstruction
     * unchanged and training starts from there (the other weights, random or loaded, are kept and learn once the
     * last layers move). For a start that is already good (TV): the refinement begins no worse than it.
     */
    public void startAsInitialReconstruction() {
        for (Block step : steps) {
            List<Block> layers = step.getChildren().values();
            for (ai.djl.nn.Parameter p : layers.get(layers.size() - 1).getParameters().values()) {
                NDArray a = p.getArray();
                boolean gradient = a.hasGradient();
                a.setRequiresGradient(false);
                a.muli(0);
                a.setRequiresGradient(gradient);
            }
        }
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape images = domainImages(inputShapes[1].get(0));
        for (Block step : steps) {
            initialiseChild(step, manager, dataType, images.get(0), 2 * images.get(1), images.get(2), images.get(3));
        }
    }

    @Override
    protected NDList forwardInternal(ParameterStore parameterStore, NDList inputs, boolean training,
        PairList<String, Object> params) {
        checkInputs(inputs);
        Shape domain = operator.domainShape();
        NDArray y = NativeArrays.dividedBy(inputs.get(0), norm());
        NDArray x = inputs.get(1);
        for (Block step : steps) {
            NDArray gradient = adjointNormalised(applyNormalised(x).sub(y));
            NDArray stacked = NDArrays.concat(new NDList(ChannelLayout.toImages(x, domain),
                ChannelLayout.toImages(gradient, domain)), 1);
            NDArray update = step.forward(parameterStore, new NDList(stacked), training).singletonOrThrow();
            x = x.add(ChannelLayout.fromImages(update, domain));
        }
        return new NDList(x);
    }
}
