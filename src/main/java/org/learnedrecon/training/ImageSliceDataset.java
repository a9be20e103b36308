package org.learnedrecon.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ij.ImagePlus;
import ij.io.Opener;
import ij.process.ImageProcessor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import net.imglib2.Cursor;
import net.imglib2.RandomAccessibleInterval;
import net.imglib2.type.numeric.RealType;
import net.imglib2.view.Views;

/**
 * Ground-truth image slices for training, all of one size, kept as Java arrays (row-major, {@code y * width + x})
 * and turned into batches on demand. The slices are copied in, so the caller's arrays are never modified.
 */
public final class ImageSliceDataset implements TrainingImages {

    private final List<float[]> slices;
    private final int height;
    private final int width;
    private final String description;

    public ImageSliceDataset(List<float[]> slices, int height, int width, String description) {
        if (slices.isEmpty()) {
            throw new IllegalArgumentException("A training data set needs at least one slice");
        }
        List<float[]> copies = new ArrayList<>();
        for (int i = 0; i < slices.size(); i++) {
            if (slices.get(i).length != height * width) {
                throw new IllegalArgumentException("Slice " + i + " has " + slices.get(i).length + " pixels, expected "
                    + height + "x" + width);
            }
            copies.add(slices.get(i).clone());
        }
        this.slices = Collections.unmodifiableList(copies);
        this.height = height;
        this.width = width;
        this.description = description;
    }

    /** Slices given as {@code [slice][y * width + x]}. */
    public static ImageSliceDataset of(float[][] slices, int height, int width, String description) {
        return new ImageSliceDataset(List.of(slices), height, width, description);
    }

    /** Reads a single- or multi-slice TIFF (any ImageJ pixel type, converted to float). */
    public static ImageSliceDataset fromTiff(Path tiff) {
        if (!Files.isRegularFile(tiff)) {
            throw new IllegalArgumentException("Training data " + tiff + " does not exist");
        }
        return fromImagePlus(open(tiff), tiff.getFileName().toString());
    }

    /** The image in {@code file}, as ImageJ opens it. */
    static ImagePlus open(Path file) {
        ImagePlus image = new Opener().openImage(file.toString());
        if (image == null) {
            throw new IllegalArgumentException("ImageJ cannot open " + file + " as an image");
        }
        return image;
    }

    /** The slices of an ImageJ image or stack, as float; {@code name} starts the description. */
    static ImageSliceDataset fromImagePlus(ImagePlus image, String name) {
        List<float[]> slices = new ArrayList<>();
        for (int s = 1; s <= image.getStackSize(); s++) {
            ImageProcessor ip = image.getStack().getProcessor(s).convertToFloatProcessor();
            slices.add((float[]) ip.getPixels());
        }
        return new ImageSliceDataset(slices, image.getHeight(), image.getWidth(),
            name + " (" + slices.size() + " slices of " + image.getWidth() + "x" + image.getHeight() + ")");
    }

    /**
     * The slices of an image (x, y) or stack (x, y, slice), any real pixel type, copied as float; e.g. an open
     * ImageJ stack. {@code description} should name the image; the slice count and size are appended.
     */
    public static ImageSliceDataset fromImage(RandomAccessibleInterval<? extends RealType<?>> image,
        String description) {
        int n = image.numDimensions();
        if (n < 2 || n > 3) {
            throw new IllegalArgumentException("Training images must be 2D or a stack (x, y, slices); '"
                + description + "' has " + n + " dimensions");
        }
        int width = (int) image.dimension(0);
        int height = (int) image.dimension(1);
        int count = n == 3 ? (int) image.dimension(2) : 1;
        List<float[]> slices = new ArrayList<>();
        for (int s = 0; s < count; s++) {
            RandomAccessibleInterval<? extends RealType<?>> plane = n == 3
                ? Views.hyperSlice(image, 2, image.min(2) + s) : image;
            float[] pixels = new float[width * height];
            Cursor<? extends RealType<?>> c = Views.flatIterable(plane).localizingCursor();
            int i = 0;
            while (c.hasNext()) {
                pixels[i++] = c.next().getRealFloat();
            }
            slices.add(pixels);
        }
        return new ImageSliceDataset(slices, height, width, description + " (" + count + " slices of " + width + "x"
            + height + ")");
    }

    /** The first {@code count} slices (a smaller set for quick runs). */
    /** Slice {@code index}'s values, {@code [y * width + x]} (a copy). */
    public float[] slice(int index) {
        return slices.get(index).clone();
    }

    public ImageSliceDataset first(int count) {
        return new ImageSliceDataset(slices.subList(0, Math.min(count, slices.size())), height, width,
            description + ", first " + Math.min(count, slices.size()));
    }

    @Override
    public int size() {
        return slices.size();
    }

    public int height() {
        return height;
    }

    public int width() {
        return width;
    }

    @Override
    public String description() {
        return description;
    }

    /** The largest pixel value over all slices, the default intensity scale. */
    @Override
    public double maximum() {
        double max = Double.NEGATIVE_INFINITY;
        for (float[] s : slices) {
            for (float v : s) {
                max = Math.max(max, v);
            }
        }
        return max;
    }

    /**
     * A batch of the given slices divided by {@code scale}, shaped {@code (B, domainShape...)}. The domain must end
     * in {@code (height, width)}; leading axes (e.g. the real/imaginary axis of a complex MRI image) get the slice in
     * their first element and zeros elsewhere, i.e. real-valued ground truth.
     */
    @Override
    public NDArray batch(NDManager manager, int[] indices, Shape domainShape, double scale, Random random) {
        return batch(manager, indices, domainShape, scale);
    }

    /** As {@link #batch(NDManager, int[], Shape, double, Random)}: fixed slices need no generator. */
    public NDArray batch(NDManager manager, int[] indices, Shape domainShape, double scale) {
        int d = domainShape.dimension();
        if (d < 2 || domainShape.get(d - 2) != height || domainShape.get(d - 1) != width) {
            throw new IllegalArgumentException("Training slices are " + height + "x" + width
                + " but the operator's images have shape " + domainShape);
        }
        int perSample = Math.toIntExact(domainShape.size());
        float[] data = new float[indices.length * perSample];
        float inverse = (float) (1.0 / scale);
        for (int b = 0; b < indices.length; b++) {
            float[] s = slices.get(indices[b]);
            for (int i = 0; i < s.length; i++) {
                data[b * perSample + i] = s[i] * inverse;
            }
        }
        return manager.create(data, new Shape(indices.length).addAll(domainShape));
    }
}
