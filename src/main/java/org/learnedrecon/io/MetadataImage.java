package org.learnedrecon.io;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import net.imglib2.RandomAccessibleInterval;
import net.imglib2.type.numeric.real.FloatType;

/**
 * The image type commands take and return: a float image with a title and string metadata (geometry of a
 * sinogram, acquisition parameters, provenance). The ImageJ 1.x bridge converts it to and from an ImagePlus
 * whose "Info" property carries the metadata ({@link ImageInfoMetadata}); ImgLib2 layout as in
 * {@link ImagePlusAdapter}.
 */
public final class MetadataImage {

    private final String title;
    private final RandomAccessibleInterval<FloatType> image;
    private final Map<String, String> metadata;

    public MetadataImage(String title, RandomAccessibleInterval<FloatType> image, Map<String, String> metadata) {
        if (image == null) {
            throw new IllegalArgumentException("No image data for '" + title + "'");
        }
        this.title = title;
        this.image = image;
        this.metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    }

    public String title() {
        return title;
    }

    public RandomAccessibleInterval<FloatType> image() {
        return image;
    }

    /** Read-only, in insertion order. */
    public Map<String, String> metadata() {
        return metadata;
    }

    /** The metadata value for {@code key}, failing with a message naming the key and image when it is missing. */
    public String require(String key) {
        String value = metadata.get(key);
        if (value == null) {
            throw new IllegalArgumentException("Image '" + title + "' has no '" + key + "' in its metadata (Info)");
        }
        return value;
    }
}
