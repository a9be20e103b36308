package org.learnedrecon.training;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.learnedrecon.learned.SeededInitializer;
import org.learnedrecon.learned.SmallCnn;

/**
 * Checks that the deep learning engine computes convolution gradients right before a training run trusts them. On
 * this project's AMD EPYC machines libtorch 2.7.1's oneDNN convolution backward with AVX-512 kernels (taken for
 * batches > 1) gave wrong weight gradients in every pass of a small CNN and NaN in some; capped with the environment
 * variable {@code ONEDNN_MAX_CPU_ISA=SSE41} (set before the JVM starts) it is exact, and no slower here. A batch of
 * two is compared with the same samples one at a time (batch 1 takes another code path).
 */
public final class ConvolutionGradientCheck {

    private ConvolutionGradientCheck() {
    }

    /** How many of {@code repetitions} batched backward passes disagree with the per-sample ones. */
    public static int wrongPasses(int repetitions) {
        int wrong = 0;
        try (NDManager manager = NDManager.newBaseManager()) {
            Random random = new Random(8);
            float[] values = new float[2 * 8 * 6 * 23];
            for (int i = 0; i < values.length; i++) {
                values[i] = (float) random.nextGaussian();
            }
            for (int r = 0; r < repetitions; r++) {
                try (NDManager m = manager.newSubManager()) {
                    NDArray x = m.create(values, new Shape(2, 8, 6, 23));
                    if (!agree(gradients(m, x), gradients(m, x.get("0:1")), gradients(m, x.get("1:2")))) {
                        wrong++;
                    }
                }
            }
        }
        return wrong;
    }

    /**
     * Throws when the engine's convolution gradients are wrong, saying how to fix it.
     *
     * @throws IllegalStateException naming the environment variable to set
     */
    public static void requireExactGradients() {
        int wrong = wrongPasses(20);
        if (wrong > 0) {
            throw new IllegalStateException("The deep learning engine computes wrong convolution gradients on this"
                + " CPU (" + wrong + " of 20 checks; oneDNN's AVX-512 kernels, seen with libtorch 2.7.1 on AMD EPYC):"
                + " training would learn from them. Set the environment variable ONEDNN_MAX_CPU_ISA=SSE41 before"
                + " starting Fiji or java (currently " + System.getenv("ONEDNN_MAX_CPU_ISA") + ") and train again");
        }
    }

    private static boolean agree(List<float[]> batched, List<float[]> first, List<float[]> second) {
        for (int p = 0; p < batched.size(); p++) {
            for (int i = 0; i < batched.get(p).length; i++) {
                // The batch loss is the mean over both samples: half the sum of the per-sample losses.
                float want = 0.5f * (first.get(p)[i] + second.get(p)[i]);
                float got = batched.get(p)[i];
                if (!(Math.abs(got - want) <= 1e-4f * (1 + Math.abs(want)))) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Gradients of mean(net(x)^2) for a fixed-seed 3-layer CNN, in parameter order. */
    private static List<float[]> gradients(NDManager m, NDArray x) {
        Block net = SmallCnn.create(8, 3, 2);
        SeededInitializer.install(net, 7);
        net.initialize(m, DataType.FLOAT32, x.getShape());
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            NDArray out = net.forward(new ParameterStore(m, false), new NDList(x), true).singletonOrThrow();
            collector.backward(out.square().mean());
        }
        List<float[]> gradients = new ArrayList<>();
        for (Pair<String, Parameter> p : net.getParameters()) {
            gradients.add(p.getValue().getArray().getGradient().toFloatArray());
        }
        return gradients;
    }
}
