package org.learnedrecon.commands;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Map;
import net.imglib2.Cursor;
import net.imglib2.RandomAccessibleInterval;
import net.imglib2.type.numeric.RealType;
import net.imglib2.view.Views;
import org.learnedrecon.acquisition.MriAcquisitionSettings;
import org.learnedrecon.acquisition.MriCartesianPhysics;
import org.learnedrecon.io.ComplexHyperstack;
import org.learnedrecon.io.MetadataImage;
import org.learnedrecon.physics.mri.CartesianMriOperator;
import org.learnedrecon.physics.mri.LowResolutionCoilMaps;
import org.learnedrecon.physics.mri.SamplingMask;

/**
 * The images Reconstruct MRI reads, checked before any work, each error naming its key: the k-space (a complex
 * hyperstack {@code W x H x 2 coils [x slices]}), the sampling mask (a 0/1 image, or regenerated from the k-space's
 * {@code mri.*} metadata) and the optional coil maps.
 */
record KspaceInputs(MetadataImage kspace, MetadataImage mask, MetadataImage maps, int width, int height, int coils,
        int slices, SamplingMask samplingMask) {

    static KspaceInputs of(MetadataImage kspace, MetadataImage mask, MetadataImage maps) {
        RandomAccessibleInterval<?> k = kspace.image();
        int n = k.numDimensions();
        if (n < 3 || n > 4) {
            throw new IllegalArgumentException("kspace=" + kspace.title() + " is not a complex hyperstack (W, H, 2 x "
                + "coils channels[, slices]); real images have no phase: simulate k-space first");
        }
        int width = (int) k.dimension(0);
        int height = (int) k.dimension(1);
        if (width < 2 || height < 2) {
            throw new IllegalArgumentException("kspace=" + kspace.title() + " is " + width + "x" + height
                + "; k-space needs at least 2x2 points");
        }
        if (k.dimension(2) % 2 != 0) {
            throw new IllegalArgumentException("kspace=" + kspace.title() + " has " + k.dimension(2) + " channels; "
                + "complex k-space has an even channel count (real, imaginary per coil)");
        }
        return new KspaceInputs(kspace, mask, maps, width, height, (int) (k.dimension(2) / 2),
            n == 4 ? (int) k.dimension(3) : 1, samplingMask(kspace, mask, height, width));
    }

    private static SamplingMask samplingMask(MetadataImage kspace, MetadataImage mask, int height, int width) {
        if (mask != null) {
            RandomAccessibleInterval<?> m = mask.image();
            if (m.dimension(0) != width || m.dimension(1) != height || (m.numDimensions() > 2
                && m.size() != (long) width * height)) {
                throw new IllegalArgumentException("mask=" + mask.title() + " is " + dims(m) + " but the k-space is "
                    + width + " x " + height + "; they must match");
            }
            float[] values = new float[width * height];
            Cursor<? extends RealType<?>> c = Views.flatIterable(mask.image()).cursor();
            for (int i = 0; i < values.length; i++) {
                values[i] = c.next().getRealFloat();
            }
            try {
                return new SamplingMask(height, width, values);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("mask=" + mask.title() + ": " + e.getMessage(), e);
            }
        }
        MriAcquisitionSettings settings = MriAcquisitionSettings.fromMetadata(kspace.metadata());
        if (settings == null) {
            throw new IllegalArgumentException("kspace=" + kspace.title() + " has no mri.* metadata: give the "
                + "sampling mask as mask=");
        }
        return settings.samplingMask(height, width);
    }

    /**
     * The k-space's acquisition in the form learned models record ({@link MriCartesianPhysics#settingsOf}): from
     * the {@code mri.*} metadata (nominal acceleration) of the k-space, else of the mask image (Simulate MRI writes
     * it on both); a bare mask image says nothing of its kind, so no model fits it and the error says so. The coil
     * count is always the k-space's own.
     */
    Map<String, String> physicsSettings() {
        MriAcquisitionSettings settings = MriAcquisitionSettings.fromMetadata(kspace.metadata());
        if (settings == null && mask != null) {
            settings = MriAcquisitionSettings.fromMetadata(mask.metadata());
        }
        Map<String, String> physics = settings != null ? settings.physicsSettings(height, width)
            : MriCartesianPhysics.settingsOf("mask image " + mask.title(), samplingMask.achievedAcceleration(),
                (double) samplingMask.centredFullySampledSize() / width, height, width, coils);
        physics.put("coils", Integer.toString(coils));
        return physics;
    }

    /** The given coil maps {@code (coils, 2, H, W)}, or {@code null} for single-coil data or when none are given. */
    NDArray coilMaps(NDManager manager) {
        if (coils == 1 || maps == null) {
            return null;
        }
        NDArray m = ComplexHyperstack.toMultiCoilTensor(manager, maps.image());
        Shape expected = new Shape(1, coils, 2, height, width);
        if (!m.getShape().equals(expected)) {
            throw new IllegalArgumentException("maps=" + maps.title() + " must be " + width + " x " + height
                + " with " + 2 * coils + " channels and one slice, like the k-space; got " + dims(maps.image()));
        }
        return m.get(0);
    }

    /**
     * The operator of one slice's k-space {@code (1, coils, 2, H, W)} (single-coil: {@code (1, 2, H, W)}): the
     * mask, and for multi-coil data the given maps or maps estimated from the slice's fully sampled centre.
     */
    CartesianMriOperator operator(NDManager scope, NDArray slice, NDArray givenMaps) {
        if (coils == 1 || givenMaps != null) {
            return new CartesianMriOperator(scope, samplingMask, givenMaps);
        }
        int calibration = samplingMask.centredFullySampledSize();
        if (calibration < 2) {
            throw new IllegalArgumentException("mask has no fully sampled centre to estimate coil maps from; give"
                + " maps=");
        }
        return new CartesianMriOperator(scope, samplingMask, LowResolutionCoilMaps.estimate(slice.get(0),
            calibration, calibration));
    }

    /** {@code W x H x ...}, as errors show an image's size. */
    private static String dims(RandomAccessibleInterval<?> image) {
        StringBuilder b = new StringBuilder();
        for (int d = 0; d < image.numDimensions(); d++) {
            b.append(d == 0 ? "" : " x ").append(image.dimension(d));
        }
        return b.toString();
    }
}
