package org.learnedrecon.learned;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.LinkedHashMap;
import java.util.Map;
import org.learnedrecon.solvers.ProgressMonitor;

/**
 * The diffusion prior: a denoiser {@code D(x, sigma)} for every noise level from nearly none to pure noise, a
 * {@link UNet} told the level, in the preconditioned form of Karras et al. 2022 (EDM):
 * <pre>
 *   D(x, sigma) = c_skip x + c_out F(c_in x, ln(sigma) / 4)
 *   c_skip = s^2 / (sigma^2 + s^2),  c_out = sigma s / sqrt(sigma^2 + s^2),  c_in = 1 / sqrt(sigma^2 + s^2)
 * </pre>
 * with {@code s} the standard deviation of the training images ({@code sigmaData}). The network {@code F} sees
 * inputs and targets of unit variance at every level, so one set of weights serves {@code sigma} from 0.002 to 2
 * (in units of the intensity scale); the noise level enters as a map channel (as DRUNet's), which is this block's
 * time embedding. By Tweedie's formula {@code (D(x, sigma) - x) / sigma^2} is the score of the noisy images, which is
 * what a diffusion model learns: {@link DiffusionPosteriorSampler} runs it.
 *
 * <p>Inputs {@code (images (B, C, H, W), noise map (B, 1, H, W))}; any H and W (edge-padded to a multiple of
 * {@code 2^levels} and cropped back in {@link #denoise}).
 */
public class DiffusionUNet extends AbstractBlock implements NoiseLevelDenoiser {

    public static final String ARCHITECTURE = "diffusion-unet";
    private static final byte VERSION = 1;
    /** The smallest noise level the map's logarithm is taken of. */
    private static final double SIGMA_FLOOR = 1e-4;

    private final int channels;
    private final int baseChannels;
    private final int levels;
    private final double sigmaData;
    private final UNet network;

    public DiffusionUNet(int channels, int baseChannels, int levels, double sigmaData) {
        super(VERSION);
        if (channels < 1 || !(sigmaData > 0)) {
            throw new IllegalArgumentException("DiffusionUNet needs channels >= 1 and sigmaData > 0, got " + channels
                + ", " + sigmaData);
        }
        this.channels = channels;
        this.baseChannels = baseChannels;
        this.levels = levels;
        this.sigmaData = sigmaData;
        this.network = addChildBlock("network", new UNet(baseChannels, levels, channels));
    }

    @Override
    public int channels() {
        return channels;
    }

    @Override
    public boolean takesNoiseMap() {
        return true;
    }

    public double sigmaData() {
        return sigmaData;
    }

    @Override
    public NDList inputs(NDArray images, double sigma) {
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
        map.put("baseChannels", Integer.toString(baseChannels));
        map.put("levels", Integer.toString(levels));
        map.put("sigmaData", Double.toString(sigmaData));
        return map;
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape x = inputShapes[0];
        network.initialize(manager, dataType, new Shape(x.get(0), x.get(1) + 1, x.get(2), x.get(3)));
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
        PairList<String, Object> params) {
        if (inputs.size() != 2) {
            throw new IllegalArgumentException("DiffusionUNet takes (images, noise map), got " + inputs.size()
                + " inputs");
        }
        NDArray x = inputs.get(0);
        if (x.getShape().dimension() != 4 || x.getShape().get(1) != channels) {
            throw new IllegalArgumentException("DiffusionUNet expects (B, " + channels + ", H, W), got "
                + x.getShape());
        }
        NDArray sigma = inputs.get(1);
        double s2 = sigmaData * sigmaData;
        NDArray variance = sigma.square().add(s2);
        NDArray cIn = variance.sqrt().pow(-1);
        NDArray cSkip = variance.pow(-1).mul(s2);
        NDArray cOut = sigma.mul(sigmaData).mul(cIn);
        NDArray level = sigma.maximum((float) SIGMA_FLOOR).log().div(4);
        NDArray f = network.forward(ps, new NDList(x.mul(cIn).concat(level, 1)), training).singletonOrThrow();
        return new NDList(x.mul(cSkip).add(f.mul(cOut)));
    }

    /** Inference at any image size: edge-padded to a multiple of {@code 2^levels}, cropped back. */
    @Override
    public NDArray denoise(ParameterStore ps, NDList inputs, ProgressMonitor cancel) {
        cancel.checkCancelled();
        NDArray x = inputs.get(0);
        Shape s = x.getShape();
        long divisor = 1L << levels;
        long h = s.get(2);
        long w = s.get(3);
        long ph = (divisor - h % divisor) % divisor;
        long pw = (divisor - w % divisor) % divisor;
        if (ph == 0 && pw == 0) {
            return forward(ps, inputs, false).singletonOrThrow();
        }
        NDArray padded = edgePad(edgePad(x, 2, ph), 3, pw);
        NDArray map = edgePad(edgePad(inputs.get(1), 2, ph), 3, pw);
        NDArray out = forward(ps, new NDList(padded, map), false).singletonOrThrow();
        return out.get(new NDIndex(":, :, 0:{}, 0:{}", h, w));
    }

    /** {@code a} with its last row (axis 2) or column (axis 3) repeated {@code count} times at the end. */
    private static NDArray edgePad(NDArray a, int axis, long count) {
        if (count == 0) {
            return a;
        }
        long n = a.getShape().get(axis);
        NDArray edge = axis == 2 ? a.get(new NDIndex(":, :, {}:{}", n - 1, n))
            : a.get(new NDIndex(":, :, :, {}:{}", n - 1, n));
        return a.concat(edge.repeat(axis, count), axis);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }
}
