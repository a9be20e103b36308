package org.learnedrecon.commands;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import net.imglib2.RandomAccess;
import net.imglib2.RandomAccessibleInterval;
import net.imglib2.type.numeric.real.FloatType;
import org.learnedrecon.io.CflArray;
import org.learnedrecon.io.CflFormat;
import org.learnedrecon.io.ComplexHyperstack;
import org.learnedrecon.io.MetadataImage;
import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

/**
 * Plugins>Learned Reconstruction>Save k-space as BART cfl...: writes a complex hyperstack ({@link ComplexHyperstack}
 * layout, C coils, B slices) as a BART {@code .cfl/.hdr} pair. Macro keys: {@code kspace=} (image title),
 * {@code file=} (with or without the {@code .cfl} extension).
 *
 * <p>BART dimensions follow {@link CflArray}'s convention (our row-major (..., H, W) is BART's [W, H, ...]) with
 * BART's dimension meanings: {@code [W, H]} for one coil and slice, {@code [W, H, 1, C]} (coils in BART's COIL
 * dimension 3, as {@code bart ecalib} expects) for one slice, and {@code [W, H, 1, C, 1, ..., 1, B]} with the slices
 * in BART's SLICE dimension 13 otherwise. {@link OpenKspaceCommand} reads all three back into the same hyperstack.
 * The input image is not modified.
 */
@Plugin(type = Command.class, menuPath = "Plugins>Learned Reconstruction>Save k-space as BART cfl...")
public class SaveKspaceCommand extends MonitoredCommand {

    /** BART's slice dimension (SLICE_DIM in BART's misc/mri.h). */
    static final int BART_SLICE_DIM = 13;

    @Parameter(label = "Kspace (complex hyperstack)")
    private MetadataImage kspace;

    @Parameter(label = "File (.cfl; the .hdr is written next to it)", style = "save")
    private File file;

    @Override
    public void run() {
        if (file == null || file.getPath().isBlank()) {
            throw new IllegalArgumentException("file= is required: the .cfl file to write");
        }
        RandomAccessibleInterval<FloatType> image = kspace.image();
        int coils;
        try {
            coils = ComplexHyperstack.coils(image);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("kspace=" + kspace.title() + " is not complex k-space: "
                + e.getMessage(), e);
        }
        int width = (int) image.dimension(0);
        int height = (int) image.dimension(1);
        int slices = image.numDimensions() == 4 ? (int) image.dimension(3) : 1;
        long elements = (long) width * height * coils * slices;
        if (2 * elements > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("kspace=" + kspace.title() + " is too large for one cfl array");
        }
        float[] interleaved = new float[(int) (2 * elements)];
        RandomAccess<FloatType> access = image.randomAccess();
        long[] pos = new long[image.numDimensions()];
        int i = 0;
        // BART column-major order: x fastest, then y, then coil, then slice (Z and MAPS are 1).
        for (int s = 0; s < slices; s++) {
            progress().checkCancelled();
            if (pos.length == 4) {
                pos[3] = image.min(3) + s;
            }
            for (int c = 0; c < coils; c++) {
                for (int y = 0; y < height; y++) {
                    pos[1] = image.min(1) + y;
                    for (int x = 0; x < width; x++) {
                        pos[0] = image.min(0) + x;
                        for (int part = 0; part < 2; part++) {
                            pos[2] = image.min(2) + 2L * c + part;
                            access.setPosition(pos);
                            interleaved[i++] = access.get().get();
                        }
                    }
                }
            }
            progress().progress(s + 1, slices, "Writing k-space slice " + (s + 1) + "/" + slices);
        }
        long[] dims;
        if (slices > 1) {
            dims = new long[BART_SLICE_DIM + 1];
            java.util.Arrays.fill(dims, 1);
            dims[BART_SLICE_DIM] = slices;
        } else {
            dims = new long[coils > 1 ? OpenKspaceCommand.BART_COIL_DIM + 1 : 2];
            java.util.Arrays.fill(dims, 1);
        }
        dims[0] = width;
        dims[1] = height;
        if (dims.length > OpenKspaceCommand.BART_COIL_DIM) {
            dims[OpenKspaceCommand.BART_COIL_DIM] = coils;
        }
        Path path = file.toPath();
        try {
            CflFormat.write(path, new CflArray(dims, interleaved));
        } catch (IOException e) {
            throw new IllegalArgumentException("Cannot write file=" + path + ": " + e.getMessage(), e);
        }
    }
}
