package org.learnedrecon.training;

import ai.djl.ndarray.NDManager;
import ij.ImagePlus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.learnedrecon.acquisition.CtParallelPhysics;
import org.learnedrecon.acquisition.PhysicsCatalog;
import org.learnedrecon.acquisition.SinogramScan;
import org.learnedrecon.io.ImageInfoMetadata;
import org.learnedrecon.io.MetadataImage;
import org.learnedrecon.physics.ForwardOperator;
import org.learnedrecon.physics.ct.CtGeometry;

/**
 * A stack of measured CT sinograms to train or adapt a solver on ({@code measurements=} of {@code TrainMain} and
 * Train Solver...): one sinogram per slice, rows the views and columns the detectors, and the parallel-beam scan
 * they come from, read from the stack's Info as Simulate CT Acquisition writes it ({@code ct.*} keys) or, when the
 * Info has none, from {@code views}, {@code range} and {@code size} as Reconstruct CT reads {@code angles=},
 * {@code range=}, {@code size=} ({@link SinogramScan}). The stack is copied, never modified.
 *
 * @param sinograms the slices, each {@code views x detectors}
 * @param settings the scan as {@code ct-parallel} physics settings ({@link CtParallelPhysics#settingsOf})
 */
public record MeasuredSinograms(ImageSliceDataset sinograms, Map<String, String> settings) implements MeasuredData {

    @Override
    public TrainingImages measurements() {
        return sinograms;
    }

    @Override
    public String physics() {
        return CtParallelPhysics.NAME;
    }

    @Override
    public ForwardOperator operator(NDManager manager) {
        return PhysicsCatalog.find(CtParallelPhysics.NAME).create(manager, settings);
    }

    /**
     * Reads {@code file}; {@code views}, {@code range}, {@code size} (0: not given) override or stand in for the
     * geometry of its Info.
     *
     * @throws IllegalArgumentException naming {@code measurements=} and the file when it is missing, unreadable, has no
     *     geometry, a geometry that does not fit its size, a scan other than a uniform parallel beam, or NaN values
     */
    public static MeasuredSinograms fromTiff(Path file, int views, double range, int size) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("measurements=" + file + " does not exist");
        }
        ImagePlus image;
        try {
            image = ImageSliceDataset.open(file);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("measurements=" + file + ": " + e.getMessage(), e);
        }
        String name = file.getFileName().toString();
        return of(name, ImageSliceDataset.fromImagePlus(image, name), ImageInfoMetadata.read(image), views, range,
            size);
    }

    /** The sinograms of an open stack ({@code measurements=} of Train Solver...), as {@link #fromTiff}. */
    public static MeasuredSinograms fromImage(MetadataImage image, int views, double range, int size) {
        return of(image.title(), ImageSliceDataset.fromImage(image.image(), image.title()), image.metadata(), views,
            range, size);
    }

    private static MeasuredSinograms of(String name, ImageSliceDataset slices, Map<String, String> metadata,
        int views, double range, int size) {
        CtGeometry geometry;
        try {
            geometry = SinogramScan.of(name, metadata, slices.height(), slices.width(), views, range, size)
                .geometry();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("measurements=" + name + ": " + e.getMessage(), e);
        }
        Map<String, String> settings = CtParallelPhysics.settingsOf(geometry);
        if (!CtParallelPhysics.NAME.equals(settings.get("physics"))) {
            throw new IllegalArgumentException("measurements=" + name + " is a scan of physics " + settings.get("physics")
                + "; training from measurements supports uniform parallel-beam scans (" + CtParallelPhysics.NAME + ")");
        }
        for (int s = 0; s < slices.size(); s++) {
            for (float v : slices.slice(s)) {
                if (!Float.isFinite(v)) {
                    throw new IllegalArgumentException("measurements=" + name + " has a value " + v + " in slice "
                        + (s + 1) + ": training needs finite measurements");
                }
            }
        }
        settings.remove("physics");
        return new MeasuredSinograms(slices, settings);
    }
}
