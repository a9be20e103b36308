package org.learnedrecon.learned;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import org.junit.jupiter.api.Test;
import org.learnedrecon.solvers.ProgressMonitor;

/**
 * Batches larger than {@link ImageDenoiser#PASS_IMAGES} are denoised in passes of that many images: the result is
 * that of one pass over the whole batch, for real images and for complex ones (whose real and imaginary parts are
 * images of their own, so 5 complex images are 10 real ones, passes of 4, 4 and 2).
 */
class ImageDenoiserTest {

    @Test
    void passesOfAFewImagesGiveWhatOnePassGives() {
        assertEquals(4, ImageDenoiser.PASS_IMAGES);
        try (NDManager m = NDManager.newBaseManager()) {
            DiffusionUNet net = new DiffusionUNet(1, 4, 2, 0.25);
            SeededInitializer.install(net, 5);
            net.initialize(m, DataType.FLOAT32, new Shape(2, 1, 16, 16), new Shape(2, 1, 16, 16));
            ParameterStore ps = new ParameterStore(m, false);
            ImageDenoiser denoiser = new ImageDenoiser(net);
            NDArray real = TestImages.gaussian(m, new Shape(9, 1, 16, 16), 3);
            NDArray whole = net.denoise(ps, net.inputs(real, 0.2), ProgressMonitor.NONE);
            assertArrayEquals(whole.toFloatArray(), denoiser.apply(ps, real, 0.2, ProgressMonitor.NONE)
                .toFloatArray(), 1e-5f);
            NDArray complex = TestImages.gaussian(m, new Shape(5, 2, 16, 16), 4);
            NDArray parts = complex.reshape(10, 1, 16, 16);
            NDArray expected = net.denoise(ps, net.inputs(parts, 0.2), ProgressMonitor.NONE).reshape(5, 2, 16, 16);
            NDArray actual = denoiser.apply(ps, complex, 0.2, ProgressMonitor.NONE);
            assertEquals(new Shape(5, 2, 16, 16), actual.getShape());
            assertArrayEquals(expected.toFloatArray(), actual.toFloatArray(), 1e-5f);
        }
    }
}
