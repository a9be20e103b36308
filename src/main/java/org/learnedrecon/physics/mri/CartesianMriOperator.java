package org.learnedrecon.physics.mri;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.learnedrecon.physics.ForwardOperator;
import org.learnedrecon.physics.ResultScope;

/**
 * Cartesian MRI: {@code A x = M F (S_c x)} for each coil {@code c} (the SENSE model), or {@code A x = M F x} for a
 * single coil when no sensitivity maps are given. {@code F} is the orthonormal centred 2D FFT of {@link
 * CenteredFft}, {@code M} a 0/1 {@link SamplingMask} (unsampled entries of the range are zero), {@code S_c} a
 * pointwise complex multiplication by the coil map.
 *
 * <p>Shapes (per sample; a batch axis comes first): image {@code (2, H, W)}; single-coil k-space {@code (2, H, W)};
 * multi-coil k-space {@code (C, 2, H, W)}; maps {@code (C, 2, H, W)}. The complex axis holds (real, imaginary).
 * The adjoint is {@code A* y = sum_c conj(S_c) F* M y_c}, the adjoint for the real dot product over all entries
 * (equal to the complex adjoint because {@code Re<Ax, y> = <x, A* y>}). With maps normalised so that
 * {@code sum_c |S_c|^2 = 1}, {@code ||A|| <= 1}, with equality when fully sampled (and for any non-empty mask
 * in the single-coil case).
 *
 * <p>Built from differentiable DJL operations only. The mask and maps are copied into the manager given to the
 * constructor, which must outlive the operator; results are attached to the manager of the input.
 */
public final class CartesianMriOperator implements ForwardOperator {

    private final SamplingMask mask;
    private final NDArray maskArray;
    private final NDArray sensitivities;
    private final NDArray sensitivitiesReal;
    private final NDArray sensitivitiesImaginary;
    private final int coils;
    private final int height;
    private final int width;

    /** Single-coil operator. */
    public CartesianMriOperator(NDManager manager, SamplingMask mask) {
        this(manager, mask, null);
    }

    /**
     * @param sensitivities {@code (C, 2, H, W)} coil maps, or {@code null} for single-coil data; copied
     */
    public CartesianMriOperator(NDManager manager, SamplingMask mask, NDArray sensitivities) {
        this.mask = mask;
        this.height = mask.height();
        this.width = mask.width();
        this.maskArray = mask.toNDArray(manager);
        if (sensitivities != null) {
            Shape s = sensitivities.getShape();
            if (s.dimension() != 4 || s.get(1) != 2 || s.get(2) != height || s.get(3) != width) {
                throw new IllegalArgumentException("Coil sensitivities must have shape (C, 2, " + height + ", "
                    + width + ") to match the mask, got " + s);
            }
            this.sensitivities = sensitivities.toType(ai.djl.ndarray.types.DataType.FLOAT32, true);
            this.sensitivities.attach(manager);
            this.coils = (int) s.get(0);
            this.sensitivitiesReal = ComplexArithmetic.real(this.sensitivities);
            this.sensitivitiesImaginary = ComplexArithmetic.imaginary(this.sensitivities);
        } else {
            this.sensitivities = null;
            this.sensitivitiesReal = null;
            this.sensitivitiesImaginary = null;
            this.coils = 0;
        }
    }

    /** Number of coils, 0 for the single-coil model. */
    public int coils() {
        return coils;
    }

    public SamplingMask mask() {
        return mask;
    }

    /** The maps {@code (C, 2, H, W)} held by this operator (do not close), or {@code null}. */
    public NDArray sensitivities() {
        return sensitivities;
    }

    @Override
    public Shape domainShape() {
        return new Shape(2, height, width);
    }

    @Override
    public Shape rangeShape() {
        return coils == 0 ? new Shape(2, height, width) : new Shape(coils, 2, height, width);
    }

    @Override
    public boolean isDifferentiable() {
        return true;
    }

    @Override
    public NDArray apply(NDArray x) {
        checkBatch(x, domainShape(), "image");
        return ResultScope.compute(x, images -> CenteredFft.forward(coils == 0 ? images
            : ComplexArithmetic.multiply(images.expandDims(1), sensitivitiesReal, sensitivitiesImaginary, false))
            .mul(maskArray));
    }

    @Override
    public NDArray adjoint(NDArray y) {
        checkBatch(y, rangeShape(), "k-space");
        return ResultScope.compute(y, k -> {
            NDArray images = CenteredFft.inverse(k.mul(maskArray));
            return coils == 0 ? images
                : ComplexArithmetic.multiply(images, sensitivitiesReal, sensitivitiesImaginary, true)
                    .sum(new int[] {1});
        });
    }

    private static void checkBatch(NDArray a, Shape sample, String what) {
        Shape s = a.getShape();
        if (s.dimension() != sample.dimension() + 1 || !s.slice(1).equals(sample)) {
            throw new IllegalArgumentException("Expected a batch of " + what + " with shape (B, "
                + sample.toString().replaceAll("[()]", "") + "), got " + s);
        }
    }
}
