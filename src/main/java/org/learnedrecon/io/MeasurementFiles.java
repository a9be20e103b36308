package org.learnedrecon.io;

import ai.djl.ndarray.NDArray;
import ij.ImagePlus;
import ij.ImageStack;
import ij.io.FileSaver;
import ij.process.FloatProcessor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.learnedrecon.acquisition.MriAcquisitionSettings;
import org.learnedrecon.physics.ct.CtGeometry;
import org.learnedrecon.physics.mri.SamplingMask;

/**
 * The measurements a benchmark scores, written as TIFF stacks the way the Simulate commands write them (the scan or
 * the {@code mri.*} sampling keys in the Info), so that training from measurements ({@code measurements=}) and
 * Reconstruct CT / MRI can be run on exactly those data ({@code SolverComparison measurementsDir=}).
 */
public final class MeasurementFiles {

    private MeasurementFiles() {
    }

    /** Sinograms {@code (B, views, detectors)} of {@code scan} as {@code dir/name}, one slice each. */
    public static Path writeSinograms(Path dir, String name, NDArray y, CtGeometry scan) throws IOException {
        int views = scan.angleCount();
        int detectors = scan.detectorCount();
        float[] data = y.toFloatArray();
        int per = views * detectors;
        ImageStack stack = new ImageStack(detectors, views);
        for (int s = 0; s < data.length / per; s++) {
            stack.addSlice(new FloatProcessor(detectors, views, java.util.Arrays.copyOfRange(data, s * per,
                (s + 1) * per)));
        }
        ImagePlus image = new ImagePlus(name, stack);
        ImageInfoMetadata.write(image, scan.toProperties());
        return save(dir, name, image);
    }

    /**
     * Single-coil k-space {@code (B, 2, H, W)} sampled with {@code mask} ({@code settings}' mask, regenerated from
     * the Info when read) as a complex hyperstack {@code dir/name}.
     */
    public static Path writeKspace(Path dir, String name, NDArray y, MriAcquisitionSettings settings, SamplingMask mask)
        throws IOException {
        Map<String, String> metadata = settings.toMetadata(mask);
        return save(dir, name, ImagePlusAdapter.toImagePlus(new MetadataImage(name, ComplexHyperstack.toImg(y),
            metadata)));
    }

    /**
     * Writes {@code image} as the TIFF {@code dir/name} (a stack, or one image when it has one slice), creating
     * {@code dir}.
     *
     * @throws IOException when ImageJ cannot write it
     */
    public static Path save(Path dir, String name, ImagePlus image) throws IOException {
        Files.createDirectories(dir);
        Path file = dir.resolve(name);
        FileSaver saver = new FileSaver(image);
        if (!(image.getStackSize() > 1 ? saver.saveAsTiffStack(file.toString()) : saver.saveAsTiff(file.toString()))) {
            throw new IOException("Cannot write " + file);
        }
        return file;
    }
}
