package org.learnedrecon.learned;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.ndarray.NDManager;
import java.util.LinkedHashMap;
import java.util.Map;
import org.learnedrecon.physics.ForwardOperator;
import org.learnedrecon.physics.RandomAcquisitionOperator;
import org.learnedrecon.runtime.NativeArrays;

/**
 * A trainable reconstruction network that maps measurements to images through a {@link ForwardOperator}.
 *
 * <p>Forward contract: inputs {@code NDList(measurements (B, rangeShape...), initial (B, domainShape...))}, output
 * {@code NDList(reconstruction (B, domainShape...))}. The initial reconstruction is computed outside the network by
 * a pluggable {@link org.learnedrecon.solvers.Solver} (FBP, zero-filled, scaled adjoint), so the network does not
 * depend on which one is used.
 *
 * <p>Scaling convention: the network sees the operator normalised to unit norm, {@code A / ||A||}, and the
 * measurements divided by {@code ||A||} accordingly, so {@code A* A} has norm 1 and step sizes of the unrolled
 * iterations are of order one whatever the geometry (the ODL learned primal-dual examples do the same). The norm is
 * a hyper-parameter recorded in the model file so that a reloaded model computes exactly the same function.
 */
public abstract class ReconstructionNetwork extends AbstractBlock {

    private static final byte VERSION = 1;

    /** The physics; not a parameter, never saved with the weights. */
    protected final ForwardOperator operator;
    /** {@code ||A||}, see the class comment. */
    protected final double operatorNorm;

    protected ReconstructionNetwork(ForwardOperator operator, double operatorNorm, boolean needsDifferentiable) {
        super(VERSION);
        if (needsDifferentiable && !operator.isDifferentiable()) {
            throw new IllegalArgumentException(getClass().getSimpleName() + " trains through the forward operator,"
                + " but " + operator.getClass().getSimpleName() + " is not differentiable (isDifferentiable()=false)");
        }
        if (!(operatorNorm > 0) || Double.isInfinite(operatorNorm)) {
            throw new IllegalArgumentException("operatorNorm must be positive and finite, got " + operatorNorm);
        }
        ChannelLayout.channels(operator.domainShape());
        ChannelLayout.channels(operator.rangeShape());
        this.operator = operator;
        this.operatorNorm = operatorNorm;
    }

    /** The architecture name stored in model files, e.g. {@code "lpd"}. */
    public abstract String architecture();

    /** Hyper-parameters that rebuild this network with {@code models.NetworkCatalog}. */
    public Map<String, String> hyperParameters() {
        Map<String, String> map = new LinkedHashMap<>();
        map.put("operatorNorm", Double.toString(operatorNorm));
        return map;
    }

    public ForwardOperator operator() {
        return operator;
    }

    /**
     * {@code ||A||} of the operator as it is now: the recorded {@link #operatorNorm}, or during training over a
     * family of scans the norm of the current draw ({@link RandomAcquisitionOperator#drawNorm}).
     */
    protected double norm() {
        return operator instanceof RandomAcquisitionOperator
            ? ((RandomAcquisitionOperator) operator).drawNorm().orElse(operatorNorm) : operatorNorm;
    }

    /** {@code (A / ||A||) x} for a batch in domain shape. */
    protected NDArray applyNormalised(NDArray x) {
        return NativeArrays.dividedBy(operator.apply(x), norm());
    }

    /** {@code (A / ||A||)* y} for a batch in range shape. */
    protected NDArray adjointNormalised(NDArray y) {
        return NativeArrays.dividedBy(operator.adjoint(y), norm());
    }

    /** Image-batch shape {@code (B, C, H, W)} of the domain for batch size {@code batch}. */
    protected Shape domainImages(long batch) {
        return new Shape(batch).addAll(ChannelLayout.imageShape(operator.domainShape()));
    }

    /** Image-batch shape {@code (B, C, H, W)} of the range for batch size {@code batch}. */
    protected Shape rangeImages(long batch) {
        return new Shape(batch).addAll(ChannelLayout.imageShape(operator.rangeShape()));
    }

    /** Input shapes for {@link #initialize} with batch size {@code batch}. */
    public Shape[] inputShapes(long batch) {
        return new Shape[] {new Shape(batch).addAll(operator.rangeShape()),
            new Shape(batch).addAll(operator.domainShape())};
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[1]};
    }

    /** Initialises a child CNN for an image input with {@code channels} channels of the given spatial size. */
    protected static void initialiseChild(Block child, NDManager manager, DataType dataType, long batch,
        long channels, long height, long width) {
        child.initialize(manager, dataType, new Shape(batch, channels, height, width));
    }

    /** Checks the inputs of a forward call against the operator. */
    protected void checkInputs(NDList inputs) {
        if (inputs.size() != 2) {
            throw new IllegalArgumentException(architecture() + " expects (measurements, initial reconstruction), got "
                + inputs.size() + " arrays");
        }
        Shape y = inputs.get(0).getShape();
        Shape x = inputs.get(1).getShape();
        if (!y.slice(1).equals(operator.rangeShape())) {
            throw new IllegalArgumentException("measurements have per-sample shape " + y.slice(1)
                + " but the operator's range is " + operator.rangeShape());
        }
        if (!x.slice(1).equals(operator.domainShape())) {
            throw new IllegalArgumentException("initial reconstruction has per-sample shape " + x.slice(1)
                + " but the operator's domain is " + operator.domainShape());
        }
    }
}
