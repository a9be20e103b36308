package org.learnedrecon.learned;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.ConstantInitializer;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.learnedrecon.physics.ForwardOperator;
import org.learnedrecon.runtime.NativeArrays;

/**
 * Learned gradient descent (Adler &amp; Öktem 2017, "Solving ill-posed inverse problems using iterative deep neural
 * networks"): {@code K} unrolled steps {@code x <- x + Λ_k([x, A*(A x - y)])}, with the operator normalised to unit
 * norm (see {@link ReconstructionNetwork}) and a separate small CNN {@code Λ_k} per step (weights not shared).
 *
 * <p>With {@code dataConsistency > 0} every step ends in an exact data-consistency step as in MoDL (Aggarwal, Mani
 * and Jacob 2019) and the SSDU paper's network: {@code x <- argmin ||A_n x - y_n||^2 + mu_k ||x - z||^2} for the
 * step's output {@code z}, solved by that many conjugate-gradient iterations ({@link QuadraticDataStep}; for
 * single-coil Cartesian MRI {@code A_n* A_n} has two eigenvalues, so two iterations are exact), with a learned
 * {@code mu_k = exp(logMu_k)} per step, starting at {@link #INITIAL_MU}. The network's output then agrees with the
 * measurements it was given, so a split-measurement loss scores only what it filled in; measured from split k-space at
 * MRI 8x it added 0.0-0.3 dB on brain slices, and nothing with clean images (README "SSDU as its paper has it").
 */
public class LearnedGradientDescent extends UnrolledNetwork {

    public static final String ARCHITECTURE = "lgd";

    /** MoDL's and SSDU's starting weight of the data-consistency step. */
    public static final double INITIAL_MU = 0.05;

    private final List<Block> steps = new ArrayList<>();
    private final List<Parameter> logMu = new ArrayList<>();
    private final int dataConsistency;

    /**
     * @param iterations number of unrolled steps K
     * @param hiddenChannels channels of each step's CNN
     * @param depth convolutions per step's CNN
     */
    public LearnedGradientDescent(ForwardOperator operator, double operatorNorm, int iterations, int hiddenChannels,
        int depth) {
        this(operator, operatorNorm, iterations, hiddenChannels, depth, 0);
    }

    /**
     * @param dataConsistency conjugate-gradient iterations of the data-consistency step that ends every step; 0:
     *     none (plain LGD)
     */
    public LearnedGradientDescent(ForwardOperator operator, double operatorNorm, int iterations, int hiddenChannels,
        int depth, int dataConsistency) {
        super(operator, operatorNorm, iterations, hiddenChannels, depth);
        if (dataConsistency < 0) {
            throw new IllegalArgumentException("dataConsistency must be >= 0 (conjugate-gradient iterations of the"
                + " data-consistency step; 0: none), got " + dataConsistency);
        }
        this.dataConsistency = dataConsistency;
        int c = ChannelLayout.channels(operator.domainShape());
        for (int k = 0; k < iterations; k++) {
            steps.add(addChildBlock("step" + k, SmallCnn.create(hiddenChannels, depth, c)));
            if (dataConsistency > 0) {
                logMu.add(addParameter(Parameter.builder().setName("logMu" + k).setType(Parameter.Type.OTHER)
                    .optShape(new Shape(1)).optInitializer(new ConstantInitializer((float) Math.log(INITIAL_MU)))
                    .build()));
            }
        }
    }

    @Override
    public Map<String, String> hyperParameters() {
        Map<String, String> map = super.hyperParameters();
        if (dataConsistency > 0) {
            map.put("dataConsistency", Integer.toString(dataConsistency));
        }
        return map;
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
        NDArray adjointY = dataConsistency > 0 ? operator.adjoint(inputs.get(0)) : null;
        for (int k = 0; k < steps.size(); k++) {
            Block step = steps.get(k);
            NDArray gradient = adjointNormalised(applyNormalised(x).sub(y));
            NDArray stacked = NDArrays.concat(new NDList(ChannelLayout.toImages(x, domain),
                ChannelLayout.toImages(gradient, domain)), 1);
            NDArray update = step.forward(parameterStore, new NDList(stacked), training).singletonOrThrow();
            x = x.add(ChannelLayout.fromImages(update, domain));
            if (dataConsistency > 0) {
                // (A_n* A_n + mu) x = A_n* y_n + mu z with A_n = A / n is (A* A + mu n^2) x = A* y + mu n^2 z.
                NDArray mu = parameterStore.getValue(logMu.get(k), x.getDevice(), training).exp()
                    .mul((float) (norm() * norm())).reshape(new Shape());
                x = QuadraticDataStep.solve(operator, adjointY, x, mu, dataConsistency);
            }
        }
        return new NDList(x);
    }
}
