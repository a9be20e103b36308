package org.learnedrecon.physics.mri;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;
import org.learnedrecon.learned.TestImages;

/** The MRI operator on real images: the complex one on {@code x + 0i}, with the real part of its adjoint. */
class RealImageOperatorTest {

    @Test
    void forwardIsTheComplexOperatorAndTheAdjointMatches() {
        try (NDManager m = NDManager.newBaseManager()) {
            SamplingMask mask = new RandomLineSampling(4, 0.125).generate(16, 16, 3);
            CartesianMriOperator complex = new CartesianMriOperator(m, mask);
            RealImageOperator real = new RealImageOperator(complex);
            assertEquals(new Shape(16, 16), real.domainShape());
            NDArray x = TestImages.gaussian(m, new Shape(2, 16, 16), 4);
            NDArray embedded = ComplexArithmetic.fromReal(x);
            assertEquals(new Shape(2, 2, 16, 16), embedded.getShape());
            assertEquals(0, ComplexArithmetic.imaginary(embedded).abs().max().getFloat(), 0);
            assertEquals(0, real.apply(x).sub(complex.apply(embedded)).abs().max().getFloat(), 0);
            NDArray y = complex.apply(TestImages.gaussian(m, new Shape(2, 2, 16, 16), 5));
            double left = real.apply(x).mul(y).sum().getFloat();
            double right = x.mul(real.adjoint(y)).sum().getFloat();
            assertEquals(left, right, 1e-4 * Math.abs(left), "<A_R x, y> = <x, A_R* y>");
            assertThrows(IllegalArgumentException.class, () -> new RealImageOperator(real));
        }
    }
}
