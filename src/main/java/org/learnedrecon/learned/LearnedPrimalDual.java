package org.learnedrecon.learned;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.learnedrecon.physics.ForwardOperator;
import org.learnedrecon.runtime.NativeArrays;

/**
 * Learned primal-dual (Adler &amp; Öktem 2018, "Learned primal-dual reconstruction"). The primal state {@code f}
 * holds {@code P} copies of the image channels, the dual state {@code h} holds {@code D} copies of the measurement
 * channels; per iteration {@code k} (weights not shared):
 * <pre>
 *   h <- h + Γ_k([h, A f⁽²⁾, y])        (in measurement space)
 *   f <- f + Λ_k([f, A* h⁽¹⁾])           (in image space)
 * </pre>
 * where {@code f⁽²⁾} is the second primal copy (the first if {@code P = 1}), {@code h⁽¹⁾} the first dual copy, and
 * the result is the first primal copy. {@code f} starts as the initial reconstruction repeated, {@code h} at zero.
 * The operator is normalised to unit norm (see {@link ReconstructionNetwork}). The paper uses 10 iterations, 32
 * channels, 3 convolutions and memory 5; the catalog default ({@code models.NetworkCatalog}) takes
 * 6 iterations for CPU training, and ReLU instead of PReLU.
 */
public class LearnedPrimalDual extends UnrolledNetwork {

    public static final String ARCHITECTURE = "lpd";

    private final int primalMemory;
    private final int dualMemory;
    private final List<Block> dualSteps = new ArrayList<>();
    private final List<Block> primalSteps = new ArrayList<>();

    public LearnedPrimalDual(ForwardOperator operator, double operatorNorm, int iterations, int hiddenChannels,
        int depth, int primalMemory, int dualMemory) {
        super(operator, operatorNorm, iterations, hiddenChannels, depth);
        if (primalMemory < 1 || dualMemory < 1) {
            throw new IllegalArgumentException("primalMemory and dualMemory must be >= 1, got " + primalMemory
                + ", " + dualMemory);
        }
        this.primalMemory = primalMemory;
        this.dualMemory = dualMemory;
        int c = ChannelLayout.channels(operator.domainShape());
        int cr = ChannelLayout.channels(operator.rangeShape());
        for (int k = 0; k < iterations; k++) {
            dualSteps.add(addChildBlock("dual" + k, SmallCnn.create(hiddenChannels, depth, dualMemory * cr)));
            primalSteps.add(addChildBlock("primal" + k, SmallCnn.create(hiddenChannels, depth, primalMemory * c)));
        }
    }

    @Override
    public String architecture() {
        return ARCHITECTURE;
    }

    @Override
    public Map<String, String> hyperParameters() {
        Map<String, String> map = super.hyperParameters();
        map.put("primalMemory", Integer.toString(primalMemory));
        map.put("dualMemory", Integer.toString(dualMemory));
        return map;
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        long batch = inputShapes[1].get(0);
        Shape image = domainImages(batch);
        Shape range = rangeImages(batch);
        long c = image.get(1);
        long cr = range.get(1);
        for (int k = 0; k < iterations; k++) {
            initialiseChild(dualSteps.get(k), manager, dataType, batch, (dualMemory + 2) * cr, range.get(2),
                range.get(3));
            initialiseChild(primalSteps.get(k), manager, dataType, batch, (primalMemory + 1) * c, image.get(2),
                image.get(3));
        }
    }

    @Override
    protected NDList forwardInternal(ParameterStore parameterStore, NDList inputs, boolean training,
        PairList<String, Object> params) {
        checkInputs(inputs);
        Shape domain = operator.domainShape();
        Shape range = operator.rangeShape();
        long c = ChannelLayout.channels(domain);
        long cr = ChannelLayout.channels(range);
        NDArray yImages = ChannelLayout.toImages(NativeArrays.dividedBy(inputs.get(0), norm()), range);
        NDArray x0 = ChannelLayout.toImages(inputs.get(1), domain);
        NDArray f = primalMemory == 1 ? x0 : x0.repeat(new long[] {1, primalMemory, 1, 1});
        Shape hShape = new Shape(yImages.getShape().get(0), dualMemory * cr, yImages.getShape().get(2),
            yImages.getShape().get(3));
        NDArray h = yImages.getManager().zeros(hShape, yImages.getDataType());
        long operatorCopy = primalMemory > 1 ? 1 : 0;
        for (int k = 0; k < iterations; k++) {
            NDArray fOp = f.get(new NDIndex(":, {}:{}", operatorCopy * c, (operatorCopy + 1) * c));
            NDArray af = ChannelLayout.toImages(applyNormalised(ChannelLayout.fromImages(fOp, domain)), range);
            NDArray dualIn = NDArrays.concat(new NDList(h, af, yImages), 1);
            h = h.add(dualSteps.get(k).forward(parameterStore, new NDList(dualIn), training).singletonOrThrow());
            NDArray h1 = h.get(new NDIndex(":, 0:{}", cr));
            NDArray ah = ChannelLayout.toImages(adjointNormalised(ChannelLayout.fromImages(h1, range)), domain);
            NDArray primalIn = NDArrays.concat(new NDList(f, ah), 1);
            f = f.add(primalSteps.get(k).forward(parameterStore, new NDList(primalIn), training).singletonOrThrow());
        }
        NDArray result = f.get(new NDIndex(":, 0:{}", c));
        return new NDList(ChannelLayout.fromImages(result, domain));
    }
}
