package org.learnedrecon.learned;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;

/**
 * A small U-Net (Ronneberger et al. 2015) on image batches {@code (B, C, H, W) -> (B, outChannels, H, W)}: at each
 * of {@code levels} scales two 3x3 convolutions + ReLU, 2x2 max pooling down, nearest-neighbour upsampling + a 3x3
 * convolution up, skip connections by concatenation, a final 1x1 convolution. Channels double per level from
 * {@code baseChannels}. H and W must be divisible by {@code 2^levels}.
 */
public class UNet extends AbstractBlock {

    private static final byte VERSION = 1;

    private final int levels;
    private final List<Block> encoders = new ArrayList<>();
    private final List<Block> ups = new ArrayList<>();
    private final List<Block> decoders = new ArrayList<>();
    private final Block bottom;
    private final Block head;

    public UNet(int baseChannels, int levels, int outChannels) {
        super(VERSION);
        if (levels < 1 || baseChannels < 1) {
            throw new IllegalArgumentException("UNet needs levels >= 1 and baseChannels >= 1");
        }
        this.levels = levels;
        for (int l = 0; l < levels; l++) {
            encoders.add(addChildBlock("encoder" + l, doubleConv(baseChannels << l)));
        }
        bottom = addChildBlock("bottom", doubleConv(baseChannels << levels));
        for (int l = levels - 1; l >= 0; l--) {
            ups.add(addChildBlock("up" + l, SmallCnn.conv3x3(baseChannels << l)));
            decoders.add(addChildBlock("decoder" + l, doubleConv(baseChannels << l)));
        }
        head = addChildBlock("head", Conv2d.builder().setKernelShape(new Shape(1, 1)).setFilters(outChannels).build());
    }

    private static Block doubleConv(int channels) {
        return new SequentialBlock().add(SmallCnn.conv3x3(channels)).add(Activation::relu)
            .add(SmallCnn.conv3x3(channels)).add(Activation::relu);
    }

    private static NDArray pool(NDArray x) {
        return Pool.maxPool2d(x, new Shape(2, 2), new Shape(2, 2), new Shape(0, 0), false);
    }

    private static NDArray upsample(NDArray x) {
        return x.repeat(2, 2).repeat(3, 2);
    }

    private void checkSize(Shape input) {
        long divisor = 1L << levels;
        if (input.get(2) % divisor != 0 || input.get(3) % divisor != 0) {
            throw new IllegalArgumentException("UNet with " + levels + " levels needs height and width divisible by "
                + divisor + ", got " + input.get(2) + "x" + input.get(3));
        }
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape in = inputShapes[0];
        checkSize(in);
        long b = in.get(0);
        long h = in.get(2);
        long w = in.get(3);
        long channels = in.get(1);
        long[] skipChannels = new long[levels];
        for (int l = 0; l < levels; l++) {
            encoders.get(l).initialize(manager, dataType, new Shape(b, channels, h >> l, w >> l));
            channels = encoders.get(l).getOutputShapes(new Shape[] {new Shape(b, channels, h >> l, w >> l)})[0].get(1);
            skipChannels[l] = channels;
        }
        Shape bottomIn = new Shape(b, channels, h >> levels, w >> levels);
        bottom.initialize(manager, dataType, bottomIn);
        channels = bottom.getOutputShapes(new Shape[] {bottomIn})[0].get(1);
        for (int i = 0; i < levels; i++) {
            int l = levels - 1 - i;
            Shape upIn = new Shape(b, channels, h >> l, w >> l);
            ups.get(i).initialize(manager, dataType, upIn);
            long upChannels = ups.get(i).getOutputShapes(new Shape[] {upIn})[0].get(1);
            Shape decIn = new Shape(b, upChannels + skipChannels[l], h >> l, w >> l);
            decoders.get(i).initialize(manager, dataType, decIn);
            channels = decoders.get(i).getOutputShapes(new Shape[] {decIn})[0].get(1);
        }
        head.initialize(manager, dataType, new Shape(b, channels, h, w));
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
        PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        checkSize(x.getShape());
        List<NDArray> skips = new ArrayList<>();
        for (int l = 0; l < levels; l++) {
            x = encoders.get(l).forward(ps, new NDList(x), training).singletonOrThrow();
            skips.add(x);
            x = pool(x);
        }
        x = bottom.forward(ps, new NDList(x), training).singletonOrThrow();
        for (int i = 0; i < levels; i++) {
            int l = levels - 1 - i;
            x = ups.get(i).forward(ps, new NDList(upsample(x)), training).singletonOrThrow();
            x = NDArrays.concat(new NDList(x, skips.get(l)), 1);
            x = decoders.get(i).forward(ps, new NDList(x), training).singletonOrThrow();
        }
        return head.forward(ps, new NDList(x), training);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape in = inputShapes[0];
        Shape out = head.getOutputShapes(new Shape[] {new Shape(in.get(0), 1, in.get(2), in.get(3))})[0];
        return new Shape[] {out};
    }
}
