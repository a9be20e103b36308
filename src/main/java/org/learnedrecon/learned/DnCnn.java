package org.learnedrecon.learned;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A DnCNN-style residual denoiser (Zhang et al. 2017) on image batches {@code (B, C, H, W)}: a stack of 3x3
 * convolutions with ReLU predicts the noise, the output is {@code x - noise(x)}. Batch normalisation is left out so
 * the denoiser acts on each image independently of the rest of the batch (as a prior in plug-and-play must).
 */
public class DnCnn extends AbstractBlock {

    public static final String ARCHITECTURE = "dncnn";
    private static final byte VERSION = 1;

    private final int channels;
    private final int hiddenChannels;
    private final int depth;
    private final SequentialBlock noise;

    /**
     * @param channels image channels (1 for CT, 2 for complex MRI)
     * @param hiddenChannels channels of the inner layers
     * @param depth number of convolutions
     */
    public DnCnn(int channels, int hiddenChannels, int depth) {
        super(VERSION);
        this.channels = channels;
        this.hiddenChannels = hiddenChannels;
        this.depth = depth;
        this.noise = addChildBlock("noise", SmallCnn.create(hiddenChannels, depth, channels));
    }

    public int channels() {
        return channels;
    }

    /** Hyper-parameters for the model file. */
    public Map<String, String> hyperParameters() {
        Map<String, String> map = new LinkedHashMap<>();
        map.put("channels", Integer.toString(channels));
        map.put("hiddenChannels", Integer.toString(hiddenChannels));
        map.put("depth", Integer.toString(depth));
        return map;
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        noise.initialize(manager, dataType, inputShapes[0]);
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
        PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        if (x.getShape().dimension() != 4 || x.getShape().get(1) != channels) {
            throw new IllegalArgumentException("DnCnn expects (B, " + channels + ", H, W), got " + x.getShape());
        }
        return new NDList(x.sub(noise.forward(ps, new NDList(x), training).singletonOrThrow()));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }
}
