package org.learnedrecon.models;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import java.util.LinkedHashMap;
import java.util.Map;
import org.learnedrecon.learned.ChannelLayout;
import org.learnedrecon.learned.DiffusionUNet;
import org.learnedrecon.learned.DnCnn;
import org.learnedrecon.learned.LearnedGradientDescent;
import org.learnedrecon.learned.LearnedPrimalDual;
import org.learnedrecon.learned.NoiseLevelDenoiser;
import org.learnedrecon.learned.PostProcessingNetwork;
import org.learnedrecon.learned.ReconstructionNetwork;
import org.learnedrecon.physics.ForwardOperator;

/**
 * Builds networks from an architecture name and string hyper-parameters, the form stored in model files and given on
 * the training command line. Defaults are sized for CPU training (2 cores), smaller than the papers' (10 unrolled
 * iterations): LGD 8 iterations, LPD 6, both 32 channels and 3 convolutions per step; see {@link #defaults}.
 */
public final class NetworkCatalog {

    private NetworkCatalog() {
    }

    /** Whether networks of this architecture are image denoisers ({@link NoiseLevelDenoiser}), physics-free. */
    public static boolean isDenoiser(String architecture) {
        return DnCnn.ARCHITECTURE.equals(architecture) || DiffusionUNet.ARCHITECTURE.equals(architecture);
    }

    /**
     * Whether networks of this architecture apply the forward operator inside themselves (the unrolled LGD and LPD)
     * and so need its differentiable form; post-processing and denoisers only meet it outside the network, where a
     * faster matrix-free form serves.
     */
    public static boolean appliesOperatorInside(String architecture) {
        return LearnedGradientDescent.ARCHITECTURE.equals(architecture)
            || LearnedPrimalDual.ARCHITECTURE.equals(architecture);
    }

    /** Default hyper-parameters of an architecture (without {@code operatorNorm}, which is measured). */
    public static Map<String, String> defaults(String architecture) {
        Map<String, String> map = new LinkedHashMap<>();
        switch (architecture) {
            case LearnedGradientDescent.ARCHITECTURE:
                map.put("iterations", "8");
                map.put("hiddenChannels", "32");
                map.put("depth", "3");
                break;
            case LearnedPrimalDual.ARCHITECTURE:
                map.put("iterations", "6");
                map.put("hiddenChannels", "32");
                map.put("depth", "3");
                map.put("primalMemory", "5");
                map.put("dualMemory", "5");
                break;
            case PostProcessingNetwork.ARCHITECTURE:
                map.put("baseChannels", "16");
                map.put("levels", "3");
                break;
            case DnCnn.ARCHITECTURE:
                map.put("hiddenChannels", "32");
                map.put("depth", "8");
                break;
            case DiffusionUNet.ARCHITECTURE:
                map.put("baseChannels", "32");
                map.put("levels", "3");
                map.put("sigmaData", "0.25");
                break;
            default:
                throw unknown(architecture);
        }
        return map;
    }

    /**
     * Builds an untrained network. {@code hyper} overrides the defaults; the reconstruction networks need
     * {@code operatorNorm} ({@link org.learnedrecon.physics.ForwardOperator#normEstimate}).
     */
    public static Block create(String architecture, Map<String, String> hyper, ForwardOperator operator) {
        Map<String, String> p = defaults(architecture);
        p.putAll(hyper);
        switch (architecture) {
            case LearnedGradientDescent.ARCHITECTURE:
                return new LearnedGradientDescent(operator, real(p, "operatorNorm"), integer(p, "iterations"),
                    integer(p, "hiddenChannels"), integer(p, "depth"),
                    p.containsKey("dataConsistency") ? integer(p, "dataConsistency") : 0);
            case LearnedPrimalDual.ARCHITECTURE:
                return new LearnedPrimalDual(operator, real(p, "operatorNorm"), integer(p, "iterations"),
                    integer(p, "hiddenChannels"), integer(p, "depth"), integer(p, "primalMemory"),
                    integer(p, "dualMemory"));
            case PostProcessingNetwork.ARCHITECTURE:
                return new PostProcessingNetwork(operator, real(p, "operatorNorm"), integer(p, "baseChannels"),
                    integer(p, "levels"));
            case DnCnn.ARCHITECTURE:
                int channels = p.containsKey("channels") ? integer(p, "channels")
                    : ChannelLayout.channels(operator.domainShape());
                return new DnCnn(channels, integer(p, "hiddenChannels"), integer(p, "depth"),
                    Boolean.parseBoolean(p.getOrDefault("noiseMap", "false")),
                    p.containsKey("shuffle") ? integer(p, "shuffle") : 1);
            case DiffusionUNet.ARCHITECTURE:
                return new DiffusionUNet(p.containsKey("channels") ? integer(p, "channels")
                    : ChannelLayout.channels(operator.domainShape()), integer(p, "baseChannels"), integer(p, "levels"),
                    real(p, "sigmaData"));
            default:
                throw unknown(architecture);
        }
    }

    /** The hyper-parameters to store for a network built here. */
    public static Map<String, String> hyperParameters(Block network) {
        if (network instanceof ReconstructionNetwork) {
            return ((ReconstructionNetwork) network).hyperParameters();
        }
        if (network instanceof NoiseLevelDenoiser d) {
            return d.hyperParameters();
        }
        throw new IllegalArgumentException("Not a network of this plugin: " + network.getClass().getName());
    }

    /** Image side on which a denoiser is initialised (see {@link #inputShapes}). */
    private static final int DENOISER_INIT_SIZE = 16;

    /** Input shapes of a network built here, for {@link Block#initialize}, with batch size {@code batch}. */
    public static Shape[] inputShapes(Block network, ForwardOperator operator, long batch) {
        if (network instanceof ReconstructionNetwork) {
            return ((ReconstructionNetwork) network).inputShapes(batch);
        }
        Shape image = ChannelLayout.imageShape(operator.domainShape());
        if (network instanceof NoiseLevelDenoiser d) {
            // A single-channel denoiser may serve complex images (see PlugAndPlay): its own channel count. Its
            // weights do not depend on the image size, and initialising at the data's size made DJL run every ReLU
            // on zeros of that size (a LambdaBlock's output shape is found by running it): 8-12 s of loading,
            // without a cancellation check, at 512 x 512. So a small image stands in.
            Shape images = new Shape(batch, d.channels(), DENOISER_INIT_SIZE, DENOISER_INIT_SIZE);
            return d.takesNoiseMap() ? new Shape[] {images, new Shape(batch, 1, DENOISER_INIT_SIZE,
                DENOISER_INIT_SIZE)} : new Shape[] {images};
        }
        return new Shape[] {new Shape(batch).addAll(image)};
    }

    /** The architecture name of a network built here. */
    public static String architecture(Block network) {
        if (network instanceof ReconstructionNetwork) {
            return ((ReconstructionNetwork) network).architecture();
        }
        if (network instanceof NoiseLevelDenoiser d) {
            return d.architecture();
        }
        throw new IllegalArgumentException("Not a network of this plugin: " + network.getClass().getName());
    }

    private static IllegalArgumentException unknown(String architecture) {
        return new IllegalArgumentException("Unknown learned solver '" + architecture + "': choose one of "
            + LearnedGradientDescent.ARCHITECTURE + ", " + LearnedPrimalDual.ARCHITECTURE + ", "
            + PostProcessingNetwork.ARCHITECTURE + ", " + DnCnn.ARCHITECTURE + ", " + DiffusionUNet.ARCHITECTURE);
    }

    private static String value(Map<String, String> p, String key) {
        String v = p.get(key);
        if (v == null) {
            throw new IllegalArgumentException("Missing hyper-parameter '" + key + "'");
        }
        return v.trim();
    }

    private static int integer(Map<String, String> p, String key) {
        try {
            return Integer.parseInt(value(p, key));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Hyper-parameter '" + key + "' must be an integer, got '"
                + p.get(key) + "'", e);
        }
    }

    private static double real(Map<String, String> p, String key) {
        try {
            return Double.parseDouble(value(p, key));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Hyper-parameter '" + key + "' must be a number, got '"
                + p.get(key) + "'", e);
        }
    }
}
