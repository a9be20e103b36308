package org.learnedrecon.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.imglib2.RandomAccessibleInterval;
import net.imglib2.type.numeric.real.FloatType;
import org.learnedrecon.acquisition.MriAcquisitionSettings;
import org.learnedrecon.acquisition.MriCartesianPhysics;
import org.learnedrecon.io.ComplexHyperstack;
import org.learnedrecon.io.ImagePlusAdapter;
import org.learnedrecon.io.MetadataImage;
import org.learnedrecon.physics.ForwardOperator;
import org.learnedrecon.physics.mri.CartesianMriOperator;
import org.learnedrecon.physics.mri.SamplingMask;

/**
 * A stack of measured single-coil Cartesian k-space to train or adapt a solver on ({@code measurements=} with
 * {@code physics=mri-cartesian}): a complex hyperstack {@code W x H x 2 [x slices]} (real, imaginary) as Simulate MRI
 * Acquisition writes it, its sampling mask regenerated from the {@code mri.*} keys of its Info (the mask every slice
 * was sampled with). Multi-coil k-space is refused (learned MRI is single-coil). The stack is copied, never modified.
 */
public final class MeasuredKspace implements MeasuredData {

    private final Slices slices;
    private final SamplingMask mask;
    private final Map<String, String> settings;

    private MeasuredKspace(Slices slices, SamplingMask mask, Map<String, String> settings) {
        this.slices = slices;
        this.mask = mask;
        this.settings = settings;
    }

    /**
     * Reads {@code file}.
     *
     * @throws IllegalArgumentException naming {@code measurements=} and the file when it is missing, unreadable, not
     *     complex, multi-coil, without {@code mri.*} keys (so without a mask), or has non-finite values
     */
    public static MeasuredKspace fromTiff(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("measurements=" + file + " does not exist");
        }
        MetadataImage image;
        try {
            image = ImagePlusAdapter.toMetadataImage(ImageSliceDataset.open(file));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("measurements=" + file + ": " + e.getMessage(), e);
        }
        return of(file.getFileName().toString(), image);
    }

    /** The k-space of an open hyperstack ({@code measurements=} of Train Solver...), as {@link #fromTiff}. */
    public static MeasuredKspace fromImage(MetadataImage image) {
        return of(image.title(), image);
    }

    private static MeasuredKspace of(String name, MetadataImage image) {
        RandomAccessibleInterval<FloatType> k = image.image();
        // A hyperstack of 2 x coils channels [x slices], or one slice's 2 planes; a plain stack is not complex.
        boolean complex = k.numDimensions() == 4 && k.dimension(2) % 2 == 0
            || k.numDimensions() == 3 && k.dimension(2) == 2;
        if (!complex) {
            throw new IllegalArgumentException("measurements=" + name + " is not complex k-space (a hyperstack W x H x"
                + " 2 channels [x slices], real and imaginary): simulate or open k-space first");
        }
        if (k.dimension(2) != 2) {
            throw new IllegalArgumentException("measurements=" + name + " has " + k.dimension(2) / 2 + " coils;"
                + " learned MRI trains on single-coil k-space");
        }
        MriAcquisitionSettings acquisition = MriAcquisitionSettings.fromMetadata(image.metadata());
        if (acquisition == null) {
            throw new IllegalArgumentException("measurements=" + name + " has no mri.* keys in its Info, so no"
                + " sampling mask: training needs the mask (k-space as Simulate MRI Acquisition writes it)");
        }
        int height = (int) k.dimension(1);
        int width = (int) k.dimension(0);
        List<float[]> planes = new ArrayList<>();
        float[] values = ComplexHyperstack.values(k);
        int per = 2 * height * width;
        for (int s = 0; s < values.length / per; s++) {
            float[] plane = java.util.Arrays.copyOfRange(values, s * per, (s + 1) * per);
            for (float v : plane) {
                if (!Float.isFinite(v)) {
                    throw new IllegalArgumentException("measurements=" + name + " has a value " + v + " in slice "
                        + (s + 1) + ": training needs finite measurements");
                }
            }
            planes.add(plane);
        }
        Map<String, String> settings = acquisition.physicsSettings(height, width);
        settings.remove("physics");
        return new MeasuredKspace(new Slices(planes, height, width, name), acquisition.samplingMask(height, width),
            settings);
    }

    /** The data's sampling mask (regenerated from its Info). */
    public SamplingMask mask() {
        return mask;
    }

    /** The same k-space without {@code heldOut}'s lines, and its mask without them: what training then sees. */
    public MeasuredKspace without(HeldOutLines heldOut) {
        List<float[]> planes = new ArrayList<>();
        for (float[] plane : slices.planes) {
            planes.add(heldOut.withoutHeldOut(plane));
        }
        return new MeasuredKspace(new Slices(planes, slices.height, slices.width, slices.name + ", "
            + heldOut.description()), heldOut.kept(), settings);
    }

    @Override
    public TrainingImages measurements() {
        return slices;
    }

    @Override
    public String physics() {
        return MriCartesianPhysics.NAME;
    }

    @Override
    public Map<String, String> settings() {
        return settings;
    }

    /** Single-coil Cartesian MRI with the data's own mask (not a new draw of its pattern). */
    @Override
    public ForwardOperator operator(NDManager manager) {
        return new CartesianMriOperator(manager, mask);
    }

    /** The k-space slices as samples {@code (2, H, W)}. */
    private record Slices(List<float[]> planes, int height, int width, String name) implements TrainingImages {

        @Override
        public int size() {
            return planes.size();
        }

        @Override
        public String description() {
            return name + " (" + planes.size() + " slices of " + width + "x" + height + " k-space)";
        }

        @Override
        public double maximum() {
            double max = 0;
            for (float[] p : planes) {
                for (float v : p) {
                    max = Math.max(max, Math.abs(v));
                }
            }
            return max;
        }

        @Override
        public NDArray batch(NDManager manager, int[] indices, Shape rangeShape, double scale, Random random) {
            if (!rangeShape.equals(new Shape(2, height, width))) {
                throw new IllegalArgumentException("k-space slices are 2 x " + height + " x " + width
                    + " but the operator's measurements have shape " + rangeShape);
            }
            int per = 2 * height * width;
            float[] data = new float[indices.length * per];
            float inverse = (float) (1.0 / scale);
            for (int b = 0; b < indices.length; b++) {
                float[] p = planes.get(indices[b]);
                for (int i = 0; i < per; i++) {
                    data[b * per + i] = p[i] * inverse;
                }
            }
            return manager.create(data, new Shape(indices.length).addAll(rangeShape));
        }
    }
}
