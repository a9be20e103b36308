package org.learnedrecon.learned;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.Map;
import org.learnedrecon.physics.ForwardOperator;

/**
 * Learned post-processing of an initial reconstruction, FBPConvNet-style (Jin et al. 2017): {@code x = x0 +
 * UNet(x0)}. The measurements are not used by the network (only through the initial reconstruction), so the
 * operator need not be differentiable.
 */
public class PostProcessingNetwork extends ReconstructionNetwork {

    public static final String ARCHITECTURE = "postprocessing";

    private final int baseChannels;
    private final int levels;
    private final UNet unet;

    public PostProcessingNetwork(ForwardOperator operator, double operatorNorm, int baseChannels, int levels) {
        super(operator, operatorNorm, false);
        this.baseChannels = baseChannels;
        this.levels = levels;
        this.unet = addChildBlock("unet", new UNet(baseChannels, levels,
            ChannelLayout.channels(operator.domainShape())));
    }

    @Override
    public String architecture() {
        return ARCHITECTURE;
    }

    @Override
    public Map<String, String> hyperParameters() {
        Map<String, String> map = super.hyperParameters();
        map.put("baseChannels", Integer.toString(baseChannels));
        map.put("levels", Integer.toString(levels));
        return map;
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        unet.initialize(manager, dataType, domainImages(inputShapes[1].get(0)));
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
        PairList<String, Object> params) {
        checkInputs(inputs);
        Shape domain = operator.domainShape();
        NDArray x0 = inputs.get(1);
        NDArray residual = unet.forward(ps, new NDList(ChannelLayout.toImages(x0, domain)), training)
            .singletonOrThrow();
        return new NDList(x0.add(ChannelLayout.fromImages(residual, domain)));
    }
}
