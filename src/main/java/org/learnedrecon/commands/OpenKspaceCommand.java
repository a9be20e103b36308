package org.learnedrecon.commands;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import net.imglib2.img.basictypeaccess.array.FloatArray;
import net.imglib2.img.planar.PlanarImg;
import net.imglib2.img.planar.PlanarImgs;
import net.imglib2.type.numeric.real.FloatType;
import org.learnedrecon.io.CflArray;
import org.learnedrecon.io.CflFormat;
import org.learnedrecon.io.ComplexHyperstack;
import org.learnedrecon.io.FastMriKspaceReader;
import org.learnedrecon.io.KspaceVolume;
import org.learnedrecon.io.MetadataImage;
import org.scijava.ItemIO;
import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

/**
 * Plugins>Learned Reconstruction>Open k-space...: a BART {@code .cfl} (with its {@code .hdr}) or a fastMRI/ISMRMRD
 * {@code .h5} file as a complex hyperstack ({@link ComplexHyperstack}: channels coil 0 real, coil 0 imaginary,
 * coil 1 real, ...; one slice per image) titled by the file name. Macro key: {@code file=}.
 *
 * <p>BART dimensions are read as {@code [W, H, Z, coils, d4, ...]} (BART's READ, PHS1, PHS2, COIL order): coils
 * from dimension 3, every other dimension beyond (H, W) (Z, maps, ..., BART's slice dimension 13) folds into the
 * slice axis, Z fastest. HDF5 files hold {@code kspace} as (slices[, coils], H, W) complex (fastMRI layout).
 * The Info metadata records {@code mri.source} (the path), {@code mri.format}, {@code mri.slices} and
 * {@code mri.coils}. Read errors (unsupported extension, missing header, truncated or malformed files) fail with
 * the reader's message, which names the file.
 */
@Plugin(type = Command.class, menuPath = "Plugins>Learned Reconstruction>Open k-space...")
public class OpenKspaceCommand extends MonitoredCommand {

    /** BART's coil dimension (COIL_DIM in BART's misc/mri.h). */
    static final int BART_COIL_DIM = 3;

    @Parameter(label = "File (.cfl with .hdr, or fastMRI .h5)")
    private File file;

    @Parameter(type = ItemIO.OUTPUT, label = "K-space")
    private MetadataImage kspace;

    @Override
    public void run() {
        if (file == null || file.getPath().isBlank()) {
            throw new IllegalArgumentException("file= is required: a BART .cfl/.hdr or fastMRI .h5 k-space file");
        }
        Path path = file.toPath();
        String name = path.getFileName().toString();
        String lower = name.toLowerCase(Locale.ROOT);
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("mri.source", path.toString());
        try {
            if (lower.endsWith(".cfl") || lower.endsWith(".hdr")) {
                kspace = readCfl(path, name, metadata);
            } else if (lower.endsWith(".h5") || lower.endsWith(".hdf5")) {
                kspace = readHdf5(path, name, metadata);
            } else {
                throw new IllegalArgumentException("file=" + path + ": unsupported extension; expected a BART "
                    + ".cfl (or .hdr) or a fastMRI/ISMRMRD .h5 file");
            }
        } catch (IOException e) {
            // the readers' messages name the file and the problem (truncated, not HDF5, missing dataset, ...)
            throw new IllegalArgumentException("Cannot read k-space file=" + path + ": " + e.getMessage(), e);
        }
        progress().progress(1, 1, "Read " + name);
    }

    private static MetadataImage readCfl(Path path, String name, Map<String, String> metadata) throws IOException {
        String base = name.substring(0, name.length() - 4);
        Path hdr = path.resolveSibling(base + ".hdr");
        Path cfl = path.resolveSibling(base + ".cfl");
        if (!Files.isRegularFile(hdr)) {
            throw new IOException("no BART header " + hdr + " next to " + cfl);
        }
        if (!Files.isRegularFile(cfl)) {
            throw new IOException("no BART data file " + cfl + " next to " + hdr);
        }
        CflArray array = CflFormat.read(cfl);
        long[] dims = array.dims();
        long width = dims[0];
        long height = dims.length > 1 ? dims[1] : 1;
        if (width < 2 || height < 2) {
            throw new IOException(cfl + " has dimensions " + Arrays.toString(dims) + ": not 2-D k-space "
                + "(BART [W, H, ...] with W, H >= 2)");
        }
        long coils = dims.length > BART_COIL_DIM ? dims[BART_COIL_DIM] : 1;
        long depth = dims.length > 2 ? dims[2] : 1;
        long outer = array.elementCount() / (width * height * depth * coils); // dimensions 4.. together
        long slices = depth * outer;
        if (2 * coils * slices > Integer.MAX_VALUE) {
            throw new IOException(cfl + " has too many planes: " + Arrays.toString(dims));
        }
        int w = (int) width;
        int h = (int) height;
        int c = (int) coils;
        PlanarImg<FloatType, FloatArray> img = PlanarImgs.floats(width, height, 2 * coils, slices);
        float[] in = array.interleaved();
        int plane = w * h;
        for (long t = 0; t < outer; t++) {
            for (long z = 0; z < depth; z++) {
                long slice = z + depth * t;
                for (int coil = 0; coil < c; coil++) {
                    // BART column-major: element (x, y, z, coil, t) at x + W (y + H (z + Z (coil + C t)))
                    long start = (long) plane * (z + depth * (coil + coils * t));
                    float[] re = img.getPlane((int) (2 * coil + 2 * coils * slice)).getCurrentStorageArray();
                    float[] im = img.getPlane((int) (2 * coil + 1 + 2 * coils * slice)).getCurrentStorageArray();
                    for (int i = 0; i < plane; i++) {
                        re[i] = in[(int) (2 * (start + i))];
                        im[i] = in[(int) (2 * (start + i) + 1)];
                    }
                }
            }
        }
        metadata.put("mri.format", "BART cfl, dimensions " + Arrays.toString(dims));
        metadata.put("mri.slices", Long.toString(slices));
        metadata.put("mri.coils", Long.toString(coils));
        metadata.put("mri.layout", "channels (coil 0 real, coil 0 imaginary, coil 1 real, ...), one slice per image");
        return new MetadataImage(name, img, metadata);
    }

    private static MetadataImage readHdf5(Path path, String name, Map<String, String> metadata) throws IOException {
        if (!Files.isRegularFile(path)) {
            throw new IOException("no such file " + path);
        }
        KspaceVolume volume = FastMriKspaceReader.read(path);
        if (volume.width() < 2 || volume.height() < 2) {
            throw new IOException(path + " holds " + volume.height() + "x" + volume.width()
                + " k-space: not 2-D k-space (H, W >= 2)");
        }
        int coils = Math.max(volume.coils(), 1);
        int plane = volume.width() * volume.height();
        PlanarImg<FloatType, FloatArray> img = PlanarImgs.floats(volume.width(), volume.height(), 2L * coils,
            volume.slices());
        // row-major (S, C, 2, H, W): plane p is channel p % 2C of slice p / 2C, PlanarImg's plane order too
        float[] data = volume.data();
        for (int p = 0; p < 2 * coils * volume.slices(); p++) {
            System.arraycopy(data, p * plane, img.getPlane(p).getCurrentStorageArray(), 0, plane);
        }
        metadata.put("mri.format", "fastMRI HDF5 (kspace dataset)");
        metadata.put("mri.slices", Integer.toString(volume.slices()));
        metadata.put("mri.coils", Integer.toString(coils));
        metadata.put("mri.layout", "channels (coil 0 real, coil 0 imaginary, coil 1 real, ...), one slice per image");
        return new MetadataImage(name, img, metadata);
    }

    /** The k-space, for callers holding the instance. */
    public MetadataImage kspace() {
        return kspace;
    }
}
