package org.learnedrecon.training;

import ai.djl.ndarray.NDArray;
import java.util.Locale;
import java.util.Random;
import java.util.function.UnaryOperator;
import org.learnedrecon.physics.ForwardOperator;
import org.learnedrecon.physics.noise.GaussianRelativeNoise;
import org.learnedrecon.physics.noise.MeasurementNoise;
import org.learnedrecon.runtime.NativeArrays;

/**
 * The loss of training from measurements alone: equivariant imaging (Chen, Tachella &amp; Davies, "Equivariant
 * Imaging: Learning Beyond the Range Space", ICCV 2021), as deepinv's {@code MCLoss} + {@code EILoss}:
 * <pre>
 *   x1 = f(y)
 *   loss = mean((A x1 - y)^2)  +  alpha * mean((f(A T x1 + n) - T x1)^2)
 * </pre>
 * with {@code T} a rotation by an angle drawn uniformly in [0, 360) degrees per sample ({@link ImageRotation}) and
 * {@code n} fresh noise of the training noise model (deepinv's {@code apply_noise=True}). The measurement-consistency
 * (MC) mean runs over the measurement entries in the operator's own units (not normalised), the EI mean over image
 * pixels: the convention of Chen et al.'s code, whose CT experiments used {@code alpha = 100}
 * ({@link #DEFAULT_ALPHA}). With {@code alpha = 0} it is the MC loss alone, which cannot see the operator's null
 * space (the ablation).
 *
 * <p>The gradient flows through both uses of {@code x1} (the target {@code T x1} and the new measurements
 * {@code A T x1}), as in the paper and deepinv's default {@code no_grad=False}; with a <em>fixed target</em>
 * ({@code ei.detach=true}) {@code T x1} is a constant as the target, and the gradient reaches {@code x1} through the
 * new measurements alone. Through the target, the equivariance term can lower itself by making {@code x1} an image
 * the network reproduces easily from any rotation, whatever the data say; measured from scratch (LGD, brain slices
 * at 64^2, 15 views, 432 steps): 22.23 dB through both uses at weight 100 (measurement consistency alone: 22.51;
 * weight 1000 lowers it), 23.60 with the fixed target at weight 100, 25.29 at weight 1000 (supervised 26.84). The noise is computed from the values
 * and added as a constant. {@code f} gets its initial reconstruction from the measurements' values (see
 * {@link MeasurementTask#networkInputs}), so no gradient flows through that input.
 *
 * <p>The loss sees only measurements, the operator and the network: there is no argument through which a clean
 * image could reach it.
 */
public final class EquivariantImagingLoss implements MeasurementLoss {

    /** EI weight of Chen et al.'s CT experiments (sinogram MSE in pixel units, images in [0, 1]). */
    public static final double DEFAULT_ALPHA = 100;

    private final ForwardOperator operator;
    private final MeasurementNoise noise;
    private final double alpha;
    private final boolean fixedTarget;
    private final SureConsistency sure;
    private final boolean dihedral;

    /**
     * @param noise the noise of the virtual measurements {@code A T x1}, or {@code null} for none
     * @param alpha weight of the equivariance term; 0 gives measurement consistency alone
     */
    public EquivariantImagingLoss(ForwardOperator operator, MeasurementNoise noise, double alpha) {
        this(operator, noise, alpha, false, false);
    }

    /**
     * @param noise the noise of the virtual measurements {@code A T x1}, or {@code null} for none
     * @param alpha weight of the equivariance term; 0 gives the data-fit term alone
     * @param fixedTarget whether the target {@code T x1} is a constant (no gradient through it)
     * @param sure whether the data-fit term is {@link SureConsistency} (robust EI) instead of measurement
     *     consistency; it takes the noise level of {@code noise}, which must be relative Gaussian noise
     * @throws IllegalArgumentException naming {@code ei.sure} when {@code sure} is asked for another noise
     */
    public EquivariantImagingLoss(ForwardOperator operator, MeasurementNoise noise, double alpha,
                                  boolean fixedTarget, boolean sure) {
        this(operator, noise, alpha, fixedTarget, sure, false);
    }

    /**
     * As above, with {@code dihedral}: {@code T} drawn among the seven quarter turns and flips that are not the
     * identity ({@link DihedralTransform}, exact permutations of square images) instead of interpolated rotations.
     */
    public EquivariantImagingLoss(ForwardOperator operator, MeasurementNoise noise, double alpha,
                                  boolean fixedTarget, boolean sure, boolean dihedral) {
        if (!(alpha >= 0) || Double.isInfinite(alpha)) {
            throw new IllegalArgumentException("ei.alpha must be >= 0 and finite, got " + alpha);
        }
        if (sure && !(noise instanceof GaussianRelativeNoise && ((GaussianRelativeNoise) noise).level() > 0)) {
            throw new IllegalArgumentException("ei.sure=true needs Gaussian noise of a known level > 0 (CT, noise="
                + "level); the training noise is " + (noise == null ? "none" : noise.description()));
        }
        this.operator = operator;
        this.noise = noise;
        this.alpha = alpha;
        this.fixedTarget = fixedTarget;
        this.sure = sure ? new SureConsistency(operator, ((GaussianRelativeNoise) noise).level()) : null;
        this.dihedral = dihedral;
    }

    /**
     * The loss of the reconstruction {@code f} on measurements {@code y}; the transforms and the noise are drawn from
     * {@code random}.
     */
    @Override
    public Terms loss(UnaryOperator<NDArray> f, NDArray y, Random random) {
        NDArray x1 = f.apply(y);
        NDArray measuredX1 = operator.apply(x1);
        NDArray consistency = sure != null ? sure.of(f, y, measuredX1, random) : measuredX1.sub(y).square().mean();
        if (alpha == 0) {
            return new Terms(consistency, consistency);
        }
        NDArray transformed = transform(x1, random);
        NDArray measured = operator.apply(transformed);
        if (noise != null) {
            NDArray values = measured.stopGradient();
            measured = measured.add(noise.corrupt(values, random).sub(values));
        }
        NDArray target = fixedTarget ? transformed.stopGradient() : transformed;
        NDArray equivariance = f.apply(measured).sub(target).square().mean();
        return new Terms(consistency.add(NativeArrays.times(equivariance, alpha)), consistency);
    }

    /** {@code T x}: a random rotation, or a random quarter turn or flip other than the identity, per sample. */
    private NDArray transform(NDArray x, Random random) {
        int batch = (int) x.getShape().get(0);
        if (dihedral) {
            int[] elements = new int[batch];
            for (int b = 0; b < batch; b++) {
                elements[b] = 1 + random.nextInt(DihedralTransform.ELEMENTS - 1);
            }
            return DihedralTransform.apply(x, elements);
        }
        double[] angles = new double[batch];
        for (int b = 0; b < batch; b++) {
            angles[b] = 2 * Math.PI * random.nextDouble();
        }
        return ImageRotation.rotate(x, angles);
    }

    @Override
    public String description() {
        String fit = sure != null ? "SURE" : "mean((A f(y) - y)^2)";
        String description = alpha == 0 ? "measurement consistency " + fit + " only"
            : String.format(Locale.ROOT, "equivariant imaging: %s + %s * mean((f(A T x + n) - T x)^2),"
                + " x = f(y), T = random %s, n = %s%s", fit, alpha, dihedral ? "quarter turn or flip" : "rotation",
                noise == null ? "none" : noise.description(), fixedTarget ? ", target T x fixed (no gradient)" : "");
        return sure != null ? description + "; " + sure.description() : description;
    }
}
