package org.learnedrecon.io;

import io.jhdf.HdfFile;
import io.jhdf.api.Dataset;
import io.jhdf.api.Node;
import java.io.IOException;
import java.lang.reflect.Array;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;

/**
 * Reads k-space from fastMRI / ISMRMRD-style HDF5 files with jhdf: a dataset (default {@code kspace}) of complex64
 * stored the way h5py stores complex numbers (a compound of float32 fields {@code r} and {@code i}), shaped
 * {@code (slices, coils, H, W)} for multi-coil or {@code (slices, H, W)} for single-coil data. The result is in the
 * channel-first layout of {@link KspaceVolume}; the fastMRI k-space is already centred (DC at {@code (H/2, W/2)}),
 * as {@code CenteredFft} expects.
 *
 * <p>Robustness: before jhdf parses anything, the HDF5 superblock's end-of-file address is compared with the file
 * size, so a truncated copy fails at once with a message saying so; any jhdf failure is reported as an
 * {@link IOException} naming the file, never as a partially filled array.
 */
public final class FastMriKspaceReader {

    private static final byte[] SIGNATURE = {(byte) 0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};

    private FastMriKspaceReader() {
    }

    /** Reads dataset {@code kspace}. */
    public static KspaceVolume read(Path file) throws IOException {
        return read(file, "kspace");
    }

    public static KspaceVolume read(Path file, String datasetPath) throws IOException {
        checkNotTruncated(file);
        try (HdfFile hdf = new HdfFile(file)) {
            Node node;
            try {
                node = hdf.getByPath(datasetPath);
            } catch (RuntimeException e) {
                throw new IOException(file + " has no dataset '" + datasetPath + "'", e);
            }
            if (!(node instanceof Dataset)) {
                throw new IOException(file + ": '" + datasetPath + "' is not a dataset");
            }
            Dataset dataset = (Dataset) node;
            int[] dims = dataset.getDimensions();
            if (dims.length != 3 && dims.length != 4) {
                throw new IOException(file + ": dataset '" + datasetPath + "' has " + dims.length
                    + " dimensions; expected (slices, coils, H, W) or (slices, H, W)");
            }
            if (!dataset.isCompound()) {
                throw new IOException(file + ": dataset '" + datasetPath + "' is " + dataset.getJavaType()
                    + ", not complex (an h5py compound of 'r' and 'i')");
            }
            Object flat = dataset.getDataFlat();
            if (!(flat instanceof Map)) {
                throw new IOException(file + ": unexpected compound data " + flat.getClass());
            }
            Map<?, ?> fields = (Map<?, ?>) flat;
            float[] re = toFloats(fields.get("r"), file, "r");
            float[] im = toFloats(fields.get("i"), file, "i");
            int slices = dims[0];
            int coils = dims.length == 4 ? dims[1] : 0;
            int height = dims[dims.length - 2];
            int width = dims[dims.length - 1];
            int plane = height * width;
            long planes = (long) slices * Math.max(coils, 1);
            if (re.length != planes * plane || im.length != planes * plane) {
                throw new IOException(file + ": read " + re.length + " values for a dataset of " + planes * plane
                    + " elements");
            }
            float[] data = new float[(int) (2 * planes * plane)];
            for (int q = 0; q < planes; q++) {
                System.arraycopy(re, q * plane, data, 2 * q * plane, plane);
                System.arraycopy(im, q * plane, data, (2 * q + 1) * plane, plane);
            }
            return new KspaceVolume(slices, coils, height, width, data);
        } catch (IOException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new IOException("Cannot read " + file + " as HDF5 k-space: " + e.getMessage(), e);
        }
    }

    private static float[] toFloats(Object field, Path file, String name) throws IOException {
        if (field == null) {
            throw new IOException(file + ": complex compound has no field '" + name + "' (expected 'r' and 'i')");
        }
        if (field instanceof float[]) {
            return (float[]) field;
        }
        if (field instanceof double[]) {
            double[] d = (double[]) field;
            float[] f = new float[d.length];
            for (int i = 0; i < d.length; i++) {
                f[i] = (float) d[i];
            }
            return f;
        }
        if (field.getClass().isArray()) {
            throw new IOException(file + ": field '" + name + "' has element type "
                + field.getClass().getComponentType() + ", expected float32 or float64 (length "
                + Array.getLength(field) + ")");
        }
        throw new IOException(file + ": field '" + name + "' is " + field.getClass() + ", not an array");
    }

    /**
     * Compares the superblock's end-of-file address with the file size. Superblock layouts (HDF5 file format
     * spec): version 0 keeps the EOF address after base and free-space addresses at byte 24, version 1 at byte 28,
     * versions 2 and 3 after base and extension addresses at byte 12.
     */
    static void checkNotTruncated(Path file) throws IOException {
        long size = Files.size(file);
        if (size < 48) {
            throw new IOException(file + " has only " + size + " bytes: not an HDF5 file (truncated?)");
        }
        ByteBuffer head = ByteBuffer.allocate(48).order(ByteOrder.LITTLE_ENDIAN);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            while (head.hasRemaining() && channel.read(head) >= 0) {
                // read the first 48 bytes
            }
        }
        for (int i = 0; i < SIGNATURE.length; i++) {
            if (head.get(i) != SIGNATURE[i]) {
                throw new IOException(file + " does not start with the HDF5 signature (user blocks are not "
                    + "supported)");
            }
        }
        int version = head.get(8);
        int offsetSize;
        int eofPosition;
        switch (version) {
            case 0:
            case 1:
                offsetSize = head.get(13);
                eofPosition = (version == 0 ? 24 : 28) + 2 * offsetSize;
                break;
            case 2:
            case 3:
                offsetSize = head.get(9);
                eofPosition = 12 + 2 * offsetSize;
                break;
            default:
                throw new IOException(file + " has unknown HDF5 superblock version " + version);
        }
        if (offsetSize != 8 || eofPosition + 8 > head.capacity()) {
            throw new IOException(file + ": HDF5 offset size " + offsetSize + " is not supported (expected 8)");
        }
        long declaredEnd = head.getLong(eofPosition);
        if (declaredEnd > size) {
            throw new IOException(file + " is truncated: it has " + size + " bytes but its HDF5 superblock "
                + "declares " + declaredEnd);
        }
    }
}
