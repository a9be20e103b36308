package org.learnedrecon.learned;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import ai.djl.util.PairList;
import java.util.LinkedHashMap;
import java.util.Map;
import org.learnedrecon.solvers.ProgressMonitor;

/**
 * A DnCNN-style residual denoiser (Zhang et al. 2017) on image batches {@code (B, C, H, W)}: a stack of 3x3
 * convolutions with ReLU predicts the noise, the output is {@code x - noise(x)}. Batch normalisation is left out so
 * the denoiser acts on each image independently of the rest of the batch (as a prior in plug-and-play must).
 *
 * <p>With a noise-level map (as DRUNet/FFDNet, Zhang et al. 2021/2018) the network takes a second input, the noise
 * standard deviation as an image {@code (B, 1, H, W)}, concatenated to the channels: one network then denoises at
 * every strength, which plug-and-play's falling schedule needs. Without it (the shipped {@code dncnn-s05}) the
 * network knows one strength and other strengths are reached by rescaling its input.
 *
 * <p>With {@code shuffle} 2 (as FFDNet, Zhang, Zuo and Zhang 2018) the image and map are first rearranged into four
 * half-size images of each channel (pixel unshuffle), the convolutions work at half the size and their output is
 * rearranged back: a quarter of the operations per layer and twice the receptive field, which makes a plug-and-play
 * prior fast enough for interactive use (README, "A fast denoiser for plug-and-play"). Images of odd size are
 * extended by their last row or column and cropped back.
 */
public class DnCnn extends AbstractBlock implements NoiseLevelDenoiser {

    public static final String ARCHITECTURE = "dncnn";
    private static final byte VERSION = 1;

    private final int channels;
    private final int hiddenChannels;
    private final int depth;
    private final boolean noiseMap;
    private final int shuffle;
    private final SequentialBlock noise;

    /**
     * @param channels image channels (1 for CT, 2 for complex MRI)
     * @param hiddenChannels channels of the inner layers
     * @param depth number of convolutions
     */
    public DnCnn(int channels, int hiddenChannels, int depth) {
        this(channels, hiddenChannels, depth, false);
    }

    /**
     * @param noiseMap whether the network takes the noise level as a second input {@code (B, 1, H, W)}
     */
    public DnCnn(int channels, int hiddenChannels, int depth, boolean noiseMap) {
        this(channels, hiddenChannels, depth, noiseMap, 1);
    }

    /**
     * @param shuffle 1, or the factor of the pixel unshuffle before the convolutions (2 as FFDNet)
     */
    public DnCnn(int channels, int hiddenChannels, int depth, boolean noiseMap, int shuffle) {
        super(VERSION);
        if (shuffle < 1 || shuffle > 4) {
            throw new IllegalArgumentException("DnCnn's hyper-parameter 'shuffle' must be 1 to 4, got " + shuffle);
        }
        this.channels = channels;
        this.hiddenChannels = hiddenChannels;
        this.depth = depth;
        this.noiseMap = noiseMap;
        this.shuffle = shuffle;
        this.noise = addChildBlock("noise", SmallCnn.create(hiddenChannels, depth, channels * shuffle * shuffle));
    }

    @Override
    public int channels() {
        return channels;
    }

    @Override
    public boolean takesNoiseMap() {
        return noiseMap;
    }

    @Override
    public NDList inputs(NDArray images, double sigma) {
        if (!noiseMap) {
            return new NDList(images);
        }
        return NoiseLevelDenoiser.withNoiseMap(images, sigma);
    }

    @Override
    public String architecture() {
        return ARCHITECTURE;
    }

    @Override
    public Map<String, String> hyperParameters() {
        Map<String, String> map = new LinkedHashMap<>();
        map.put("channels", Integer.toString(channels));
        map.put("hiddenChannels", Integer.toString(hiddenChannels));
        map.put("depth", Integer.toString(depth));
        if (noiseMap) {
            map.put("noiseMap", "true");
        }
        if (shuffle > 1) {
            map.put("shuffle", Integer.toString(shuffle));
        }
        return map;
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape x = inputShapes[0];
        long f = shuffle;
        noise.initialize(manager, dataType, new Shape(x.get(0), (x.get(1) + (noiseMap ? 1 : 0)) * f * f,
            (x.get(2) + f - 1) / f, (x.get(3) + f - 1) / f));
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
        PairList<String, Object> params) {
        NDArray x = inputs.get(0);
        if (x.getShape().dimension() != 4 || x.getShape().get(1) != channels) {
            throw new IllegalArgumentException("DnCnn expects (B, " + channels + ", H, W), got " + x.getShape());
        }
        if (inputs.size() != (noiseMap ? 2 : 1)) {
            throw new IllegalArgumentException("DnCnn" + (noiseMap ? " with a noise-level map takes (images, map)"
                : " takes the images only") + ", got " + inputs.size() + " inputs");
        }
        NDArray in = unshuffled(noiseMap ? x.concat(inputs.get(1), 1) : x);
        return new NDList(x.sub(shuffledBack(noise.forward(ps, new NDList(in), training).singletonOrThrow(), x)));
    }

    /** The input rearranged for the convolutions ({@link #pixelUnshuffle} by the shuffle factor). */
    private NDArray unshuffled(NDArray a) {
        return shuffle == 1 ? a : pixelUnshuffle(a, shuffle);
    }

    /** The convolutions' output rearranged back to the size of {@code like}. */
    private NDArray shuffledBack(NDArray a, NDArray like) {
        return shuffle == 1 ? a : pixelShuffle(a, shuffle, like.getShape().get(2), like.getShape().get(3));
    }

    /**
     * {@code a} (B, C, H, W) as (B, C f^2, ceil(H/f), ceil(W/f)): channel {@code c f^2 + i f + j} holds the pixels
     * at rows {@code i mod f} and columns {@code j mod f} of channel {@code c}; sizes not divisible by {@code f} are
     * first extended by copies of the last row or column.
     */
    static NDArray pixelUnshuffle(NDArray a, int f) {
        while (a.getShape().get(2) % f != 0) {
            a = a.concat(a.get(new NDIndex(":, :, -1:, :")), 2);
        }
        while (a.getShape().get(3) % f != 0) {
            a = a.concat(a.get(new NDIndex(":, :, :, -1:")), 3);
        }
        Shape s = a.getShape();
        return a.reshape(s.get(0), s.get(1), s.get(2) / f, f, s.get(3) / f, f).transpose(0, 1, 3, 5, 2, 4)
            .reshape(s.get(0), s.get(1) * f * f, s.get(2) / f, s.get(3) / f);
    }

    /** The inverse of {@link #pixelUnshuffle}, cropped to {@code height} x {@code width}. */
    static NDArray pixelShuffle(NDArray a, int f, long height, long width) {
        Shape s = a.getShape();
        NDArray full = a.reshape(s.get(0), s.get(1) / (f * f), f, f, s.get(2), s.get(3)).transpose(0, 1, 4, 2, 5, 3)
            .reshape(s.get(0), s.get(1) / (f * f), s.get(2) * f, s.get(3) * f);
        return full.getShape().get(2) == height && full.getShape().get(3) == width ? full
            : full.get(new NDIndex(":, :, :{}, :{}", height, width));
    }

    /**
     * Image pixels (batch x rows x width) per band of {@link #denoise}: 64 rows of a 512 x 512 image, on which a
     * 48-channel 3x3 layer takes 0.16-0.22 s on one CPU thread here (1.3-1.8 s for the whole image, the 12-layer
     * {@code dncnn-s05} 15-21 s, measured on the shared 2-core machine under load); one 128 x 128 image is one band.
     */
    static final long BAND_PIXELS = 128 * 256;

    /**
     * Inference, {@code forward(inputs)} without training, with cancellation inside it: layer by layer, each
     * convolution over bands of rows (each band with the one-row halo a 3x3 convolution reads, so the values are
     * those of one pass over the whole image, up to the rounding of the engine's algorithm for the band's size),
     * {@code cancel} checked before each band. Each layer's output replaces the previous one in a scope of its own,
     * so memory holds two activations, not the two per layer that a forward pass keeps until its scope closes
     * (at 512 x 512 with 48 channels, 0.1 GB instead of 1.2 GB).
     */
    @Override
    public NDArray denoise(ParameterStore ps, NDList inputs, ProgressMonitor cancel) {
        NDArray x = inputs.get(0);
        NDManager owner = x.getManager();
        NDManager held = owner.newSubManager();
        NDArray joined = noiseMap ? x.concat(inputs.get(1), 1) : x.duplicate();
        joined.attach(held);
        // the rearrangement's intermediates follow joined into held, freed with the first layer's input
        NDArray a = unshuffled(joined);
        for (Pair<String, Block> layer : noise.getChildren()) {
            NDManager next = owner.newSubManager();
            NDArray out = layer.getValue() instanceof Conv2d ? inBands(ps, layer.getValue(), a, cancel)
                : layer.getValue().forward(ps, new NDList(a), false).singletonOrThrow();
            out.attach(next);
            held.close();
            held = next;
            a = out;
        }
        NDArray result = x.sub(shuffledBack(a, x));
        held.close();
        return result;
    }

    /** A 3x3, padding 1 convolution of {@code a} (B, C, H, W), band by band; attached to {@code a}'s manager. */
    private static NDArray inBands(ParameterStore ps, Block conv, NDArray a, ProgressMonitor cancel) {
        Shape s = a.getShape();
        long height = s.get(2);
        long rows = Math.max(1, BAND_PIXELS / (s.get(0) * s.get(3)));
        try (NDManager scope = a.getManager().newSubManager()) {
            NDList bands = new NDList();
            for (long first = 0; first < height; first += rows) {
                cancel.checkCancelled();
                long last = Math.min(height, first + rows);
                long from = Math.max(0, first - 1);
                NDArray band = a.get(new NDIndex(":, :, {}:{}", from, Math.min(height, last + 1)));
                band.attach(scope);
                NDArray out = conv.forward(ps, new NDList(band), false).singletonOrThrow();
                bands.add(out.get(new NDIndex(":, :, {}:{}", first - from, last - from)));
            }
            NDArray joined = bands.size() == 1 ? bands.get(0) : NDArrays.concat(bands, 2);
            joined.attach(a.getManager());
            return joined;
        }
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }
}
