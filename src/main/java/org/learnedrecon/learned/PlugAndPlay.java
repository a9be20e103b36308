package org.learnedrecon.learned;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import org.learnedrecon.physics.ForwardOperator;
import org.learnedrecon.solvers.CancellableOperator;
import org.learnedrecon.solvers.OperatorMemo;
import org.learnedrecon.solvers.ProgressMonitor;
import org.learnedrecon.solvers.Solver;

/**
 * Plug-and-play proximal gradient descent (Venkatakrishnan et al. 2013; the PnP-PGD of DeepInverse): the proximal
 * step of a regulariser is replaced by a learned denoiser {@code D},
 * <pre>  x <- D(x - τ A*(A x - y)),   τ = stepFactor / ||A||^2 </pre>
 * for any {@link ForwardOperator}. The denoiser works on image batches {@code (B, C, H, W)} at the intensities it
 * was trained on: measurements are divided by {@code intensityScale} first (the operator is linear) and the result
 * multiplied back.
 */
public final class PlugAndPlay implements Solver {

    private final ImageDenoiser denoiser;
    private final double intensityScale;
    private final int iterations;
    private final double stepFactor;
    private final Solver initial;

    /**
     * @param denoiser trained denoiser, (B, C, H, W) -> same
     * @param intensityScale images were divided by it in denoiser training
     * @param iterations proximal gradient iterations
     * @param stepFactor step in units of {@code 1/||A||^2}; below 2 for convergence of the gradient part
     * @param initial start of the iteration, or {@code null} to start from zero
     */
    public PlugAndPlay(Block denoiser, double intensityScale, int iterations, double stepFactor, Solver initial) {
        if (iterations < 1 || !(stepFactor > 0 && stepFactor < 2) || !(intensityScale > 0)) {
            throw new IllegalArgumentException("Plug-and-play needs iterations >= 1, 0 < stepFactor < 2 and a "
                + "positive intensity scale, got " + iterations + ", " + stepFactor + ", " + intensityScale);
        }
        this.denoiser = new ImageDenoiser(denoiser);
        this.intensityScale = intensityScale;
        this.iterations = iterations;
        this.stepFactor = stepFactor;
        this.initial = initial;
    }

    /** ||A|| of the last operator seen: estimated once, not on every batch of a stack. */
    private final OperatorMemo<Double> norm = new OperatorMemo<>();

    @Override
    public String name() {
        return "Plug-and-play (learned denoiser)";
    }

    @Override
    public NDArray reconstruct(NDArray measurements, ForwardOperator operator, ProgressMonitor progress) {
        NDManager owner = measurements.getManager();
        ForwardOperator checked = new CancellableOperator(operator, progress);
        double norm = this.norm.get(operator, () -> checked.normEstimate(owner, 30));
        double step = stepFactor / (norm * norm);
        try (NDManager scope = owner.newSubManager()) {
            ParameterStore parameters = new ParameterStore(scope, false);
            NDArray y = measurements.div(intensityScale);
            y.attach(scope);
            CurrentIterate x = new CurrentIterate(scope, initial == null
                ? scope.zeros(new Shape(y.getShape().get(0)).addAll(operator.domainShape()))
                : initial.reconstruct(y, operator, progress.cancellationOnly()));
            for (int k = 0; k < iterations; k++) {
                progress.checkCancelled();
                NDArray gradient = checked.adjoint(checked.apply(x.get()).sub(y));
                NDArray z = x.get().sub(gradient.mul(step));
                x.replace(denoiser.applyInDomain(parameters, z, operator.domainShape(), Double.NaN, progress));
                progress.progress(k + 1, iterations, name() + ": iteration " + (k + 1) + "/" + iterations);
            }
            return x.scaledInto(intensityScale, owner);
        }
    }
}
