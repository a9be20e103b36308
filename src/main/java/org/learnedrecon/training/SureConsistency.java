package org.learnedrecon.training;

import ai.djl.ndarray.NDArray;
import java.util.Random;
import java.util.function.UnaryOperator;
import org.learnedrecon.learned.PosteriorSampler;
import org.learnedrecon.physics.ForwardOperator;

/**
 * Stein's unbiased risk estimate of the measurement error, for Gaussian noise of a known relative level: the data-fit
 * term of robust equivariant imaging (Chen, Tachella &amp; Davies, CVPR 2022; deepinv's {@code SureGaussianLoss}) in
 * place of measurement consistency, which also rewards a network for reproducing the noise of {@code y}. Per sample,
 * <pre>
 *   SURE = mean((A f(y) - y)^2) - s^2 + 2 s^2 / tau * mean(b * (A f(y + tau b) - A f(y)))
 * </pre>
 * averaged over the batch, with {@code s^2} the noise variance of relative Gaussian noise ({@code level} times the
 * RMS of the measurements, as {@code GaussianRelativeNoise} and {@link PosteriorSampler#noiseVariances} take it),
 * {@code b} standard normal (a one-probe Monte-Carlo divergence) and {@code tau = } {@link #TAU} {@code s}. Its
 * expectation over the noise is {@code mean((A f(y) - A x)^2)}, the error against the clean measurements.
 */
public final class SureConsistency {

    /** The divergence probe's step, as a share of the noise's standard deviation. */
    static final double TAU = 0.1;

    private final ForwardOperator operator;
    private final double level;

    /** @param level the noise's standard deviation as a share of the clean measurements' RMS, {@code > 0} */
    SureConsistency(ForwardOperator operator, double level) {
        if (!(level > 0) || Double.isInfinite(level)) {
            throw new IllegalArgumentException("SURE needs a noise level > 0, got " + level);
        }
        this.operator = operator;
        this.level = level;
    }

    /**
     * The estimate for measurements {@code y} of which {@code measured = A f(y)} (the network's first pass); one more
     * pass of {@code f} on {@code y + tau b}, {@code b} drawn from {@code random}.
     */
    NDArray of(UnaryOperator<NDArray> f, NDArray y, NDArray measured, Random random) {
        int batch = (int) y.getShape().get(0);
        NDArray fixed = y.stopGradient();
        float[] values = fixed.toFloatArray();
        int perSample = values.length / batch;
        float[] shifted = new float[values.length];
        float[] weights = new float[values.length];
        double[] variances = PosteriorSampler.noiseVariances(fixed, level);
        double meanVariance = 0;
        for (int b = 0; b < batch; b++) {
            double tau = TAU * Math.sqrt(variances[b]);
            meanVariance += variances[b] / batch;
            for (int i = b * perSample; i < (b + 1) * perSample; i++) {
                double probe = random.nextGaussian();
                shifted[i] = (float) (values[i] + tau * probe);
                // A blank sample (no signal, no noise) has no divergence to estimate.
                weights[i] = tau > 0 ? (float) (2 * variances[b] / tau * probe / perSample / batch) : 0f;
            }
        }
        NDArray probed = operator.apply(f.apply(y.getManager().create(shifted, y.getShape())));
        NDArray divergence = probed.sub(measured).mul(y.getManager().create(weights, y.getShape())).sum();
        return measured.sub(y).square().mean().sub((float) meanVariance).add(divergence);
    }

    /** For metadata. */
    String description() {
        return "SURE for gaussian relative " + level + " (one-probe divergence, tau " + TAU + " sigma)";
    }
}
