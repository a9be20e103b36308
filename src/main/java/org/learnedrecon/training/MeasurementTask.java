package org.learnedrecon.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import java.util.Random;
import org.learnedrecon.physics.DrawnOperator;
import org.learnedrecon.physics.ForwardOperator;
import org.learnedrecon.physics.RandomAcquisitionOperator;
import org.learnedrecon.physics.noise.MeasurementNoise;
import org.learnedrecon.solvers.ProgressMonitor;
import org.learnedrecon.solvers.Solver;

/**
 * Supervised reconstruction: measurements {@code y = A x + noise} are simulated on the fly from clean images
 * {@code x}, the initial reconstruction is computed by a pluggable {@link Solver}; inputs {@code (y, x0)}, target
 * {@code x}, baseline {@code x0}. A {@link RandomAcquisitionOperator} gets a new draw for each example batch (from the
 * batch's generator, so a resumed run draws the same acquisitions). Both are computed outside any gradient recording.
 */
public final class MeasurementTask implements TrainingTask {

    private final ForwardOperator operator;
    private final MeasurementNoise noise;
    private final Solver initial;

    public MeasurementTask(ForwardOperator operator, MeasurementNoise noise, Solver initial) {
        this.operator = operator;
        this.noise = noise;
        this.initial = initial;
    }

    public Solver initial() {
        return initial;
    }

    @Override
    public Shape domainShape() {
        return operator.domainShape();
    }

    /** Per-sample shape of the measurements. */
    public Shape rangeShape() {
        return operator.rangeShape();
    }

    @Override
    public Shape[] inputShapes(long batch) {
        return new Shape[] {new Shape(batch).addAll(operator.rangeShape()),
            new Shape(batch).addAll(operator.domainShape())};
    }

    @Override
    public Example example(NDArray clean, Random random) {
        if (operator instanceof RandomAcquisitionOperator) {
            // A new acquisition for this batch; the network holds the same operator and so uses it too.
            ((RandomAcquisitionOperator) operator).draw(random);
        }
        NDList inputs = networkInputs(noise.corrupt(operator.apply(clean), random));
        return new Example(inputs, clean, inputs.get(1));
    }

    /**
     * The network inputs for measurements {@code y}: {@code (y, x0)} with {@code x0} the initial reconstruction of
     * {@code y}'s values: a constant for autograd, whatever the solver (FBP computes on Java arrays anyway).
     */
    public NDList networkInputs(NDArray y) {
        // A family's current draw itself, so that a solver keeping values per operator (TV's norms) keeps them per
        // draw, not those of the first draw for all; and its faster twin, as no gradient flows into x0.
        ForwardOperator of = (operator instanceof DrawnOperator<?> drawn ? drawn.operator() : operator)
            .withoutAutograd();
        return new NDList(y, initial.reconstruct(y.stopGradient(), of, ProgressMonitor.NONE));
    }

    @Override
    public String description() {
        return "measurements through " + operator.getClass().getSimpleName() + ", noise " + noise.description()
            + ", initial reconstruction " + initial.name();
    }
}
