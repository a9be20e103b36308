package org.learnedrecon.io;

import ij.ImagePlus;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Stores a string map in an ImagePlus's "Info" property as {@code key=value} lines, the property ImageJ writes
 * into and reads back from TIFF files, so metadata such as a sinogram's geometry survives File>Save As>Tiff.
 * Lines without '=' (text other tools put into Info) are kept when writing and ignored when reading. Keys may not
 * contain '=' or line breaks, values may not contain line breaks; both are trimmed.
 */
public final class ImageInfoMetadata {

    private static final String INFO = "Info";

    private ImageInfoMetadata() {
    }

    /** The {@code key=value} pairs of the image's Info property, in order; empty when it has none. */
    public static Map<String, String> read(ImagePlus imp) {
        Map<String, String> metadata = new LinkedHashMap<>();
        Object info = imp.getProperty(INFO);
        if (info == null) {
            return metadata;
        }
        for (String line : info.toString().split("\\R")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                metadata.put(line.substring(0, eq).trim(), line.substring(eq + 1).trim());
            }
        }
        return metadata;
    }

    /**
     * Writes {@code metadata} into the image's Info property: existing lines whose key is in {@code metadata} are
     * replaced, other existing lines are kept, new keys are appended in the map's order.
     */
    public static void write(ImagePlus imp, Map<String, String> metadata) {
        for (Map.Entry<String, String> e : metadata.entrySet()) {
            String key = e.getKey().trim();
            if (key.isEmpty() || key.contains("=") || key.matches("(?s).*\\R.*")) {
                throw new IllegalArgumentException("Metadata key '" + key + "' must be non-empty, without '=' "
                    + "and on one line");
            }
            if (e.getValue() == null || e.getValue().matches("(?s).*\\R.*")) {
                throw new IllegalArgumentException("Metadata value of '" + key + "' must be one line of text");
            }
        }
        StringBuilder text = new StringBuilder();
        Object old = imp.getProperty(INFO);
        if (old != null) {
            for (String line : old.toString().split("\\R")) {
                int eq = line.indexOf('=');
                boolean replaced = eq > 0 && metadata.containsKey(line.substring(0, eq).trim());
                if (!replaced && !line.isEmpty()) {
                    text.append(line).append('\n');
                }
            }
        }
        for (Map.Entry<String, String> e : metadata.entrySet()) {
            text.append(e.getKey().trim()).append('=').append(e.getValue().trim()).append('\n');
        }
        imp.setProperty(INFO, text.toString());
    }
}
