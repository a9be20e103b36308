package org.learnedrecon.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;

/**
 * BART's {@code .cfl/.hdr} pair: a text header whose line after {@code # Dimensions} lists the dimensions (first
 * fastest), and a raw file of little-endian complex float32 samples, exactly {@code 8 * prod(dims)} bytes. Reading
 * checks the size before reading anything, so a truncated or oversized file fails with a message instead of
 * returning a partial array.
 */
public final class CflFormat {

    private CflFormat() {
    }

    /** Reads {@code base.hdr} and {@code base.cfl}; {@code base} is the path without extension. */
    public static CflArray read(Path base) throws IOException {
        Path hdr = withExtension(base, ".hdr");
        Path cfl = withExtension(base, ".cfl");
        long[] dims = readDimensions(hdr);
        long elements = 1;
        for (long d : dims) {
            elements = Math.multiplyExact(elements, d);
        }
        long expected = Math.multiplyExact(elements, 8L);
        long actual = Files.size(cfl);
        if (actual != expected) {
            throw new IOException(cfl + " has " + actual + " bytes but " + hdr + " declares dimensions "
                + Arrays.toString(dims) + " needing " + expected + " bytes (truncated or mismatched file)");
        }
        if (elements * 2 > Integer.MAX_VALUE - 8) {
            throw new IOException(cfl + " is too large to read into one array: " + elements + " complex elements");
        }
        float[] data = new float[(int) (elements * 2)];
        ByteBuffer buffer = ByteBuffer.allocate((int) expected).order(ByteOrder.LITTLE_ENDIAN);
        try (FileChannel channel = FileChannel.open(cfl, StandardOpenOption.READ)) {
            while (buffer.hasRemaining()) {
                if (channel.read(buffer) < 0) {
                    throw new IOException(cfl + " ended after " + buffer.position() + " of " + expected + " bytes");
                }
            }
        }
        buffer.flip();
        buffer.asFloatBuffer().get(data);
        return new CflArray(dims, data);
    }

    /** Writes {@code base.hdr} and {@code base.cfl}. */
    public static void write(Path base, CflArray array) throws IOException {
        StringBuilder header = new StringBuilder("# Dimensions\n");
        for (long d : array.dims()) {
            header.append(d).append(' ');
        }
        header.append('\n');
        Files.writeString(withExtension(base, ".hdr"), header.toString(), StandardCharsets.US_ASCII);
        float[] data = array.interleaved();
        ByteBuffer buffer = ByteBuffer.allocate(data.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        buffer.asFloatBuffer().put(data);
        Files.write(withExtension(base, ".cfl"), buffer.array());
    }

    private static long[] readDimensions(Path hdr) throws IOException {
        List<String> lines = Files.readAllLines(hdr, StandardCharsets.US_ASCII);
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).trim().equals("# Dimensions")) {
                if (i + 1 >= lines.size() || lines.get(i + 1).isBlank()) {
                    throw new IOException(hdr + ": no dimensions after '# Dimensions'");
                }
                String[] parts = lines.get(i + 1).trim().split("\\s+");
                long[] dims = new long[parts.length];
                for (int j = 0; j < parts.length; j++) {
                    try {
                        dims[j] = Long.parseLong(parts[j]);
                    } catch (NumberFormatException e) {
                        throw new IOException(hdr + ": dimension '" + parts[j] + "' is not an integer");
                    }
                    if (dims[j] <= 0) {
                        throw new IOException(hdr + ": dimension " + dims[j] + " is not positive");
                    }
                }
                return dims;
            }
        }
        throw new IOException(hdr + " has no '# Dimensions' line: not a BART header");
    }

    private static Path withExtension(Path base, String extension) {
        String name = base.getFileName().toString();
        if (name.endsWith(".cfl") || name.endsWith(".hdr")) {
            name = name.substring(0, name.length() - 4);
        }
        return base.resolveSibling(name + extension);
    }
}
