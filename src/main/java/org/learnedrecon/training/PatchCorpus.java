package org.learnedrecon.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ij.ImagePlus;
import ij.io.Opener;
import ij.process.ImageProcessor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.stream.Stream;
import org.learnedrecon.phantoms.RandomEllipsesPhantom;

/**
 * Training images drawn as random square patches from several sources of images of any size: folders of PNG, TIFF
 * or JPEG files, TIFF stacks (each slice an image), and random-ellipse phantoms made on the fly. Each patch picks a
 * source (all sources equally likely, so a folder of 80 photographs weighs as much as a stack of 400 slices), an image
 * of it, a scale (a crop of {@code patch x zoom} pixels averaged down to {@code patch}, zoom log-uniform in
 * [1, min(3, image side / patch)]), one of the 8 flips and 90-degree rotations, and an intensity window
 * {@code a v + b} (a in [0.6, 1], b in [0, 1 - a]). Crops whose standard deviation is below 0.01 (flat sky,
 * background) are drawn again, up to 8 times.
 *
 * <p>Every image is scaled to [0, 1] when read: 8-bit by 255, other types by the maximum of their file. Patches are
 * therefore in [0, 1] and the run's intensity scale is 1; patches of one stack kept in its units ({@link #ofSlices})
 * come back times its peak.
 */
public final class PatchCorpus implements TrainingImages {

    /** Patches per epoch unless a run says otherwise ({@code TrainMain patches=}, Train Solver's {@code patch=}). */
    public static final int DEFAULT_PATCHES_PER_EPOCH = 1600;

    /** The source name that stands for random-ellipse phantoms drawn on the fly. */
    public static final String ELLIPSES = "ellipses";
    private static final double MAX_ZOOM = 3;
    private static final double FLAT = 0.01;
    private static final String[] EXTENSIONS = {".png", ".tif", ".tiff", ".jpg", ".jpeg"};

    /** One source: its images (empty for ellipses) and a name. */
    private record Source(String name, List<Image> images) {
    }

    private record Image(float[] pixels, int width, int height) {
    }

    private final List<Source> sources;
    private final int patch;
    private final int patchesPerEpoch;
    private final String description;
    /** What a patch value of 1 stands for in the images' own units (1 for files; {@link #ofSlices}: their peak). */
    private final double unit;

    private PatchCorpus(List<Source> sources, int patch, int patchesPerEpoch) {
        this(sources, patch, patchesPerEpoch, 1);
    }

    private PatchCorpus(List<Source> sources, int patch, int patchesPerEpoch, double unit) {
        this.sources = sources;
        this.patch = patch;
        this.patchesPerEpoch = patchesPerEpoch;
        this.unit = unit;
        List<String> names = new ArrayList<>();
        for (Source s : sources) {
            names.add(s.name + (s.images.isEmpty() ? "" : " (" + s.images.size() + " images)"));
        }
        this.description = "random " + patch + "x" + patch + " patches, " + patchesPerEpoch + " per epoch, of "
            + String.join(" + ", names);
    }

    /**
     * @param paths folders of images, image files or TIFF stacks, or {@link #ELLIPSES}
     * @param patch patch side in pixels (at least 8)
     * @param patchesPerEpoch samples per epoch
     * @throws IllegalArgumentException naming the path for a missing folder, a folder without readable images, an
     *     unreadable file or an image smaller than the patch
     */
    public static PatchCorpus of(List<String> paths, int patch, int patchesPerEpoch) {
        if (patch < 8) {
            throw new IllegalArgumentException("patch=" + patch + " is too small: patches need at least 8 pixels");
        }
        if (patchesPerEpoch < 1) {
            throw new IllegalArgumentException("Patches per epoch must be positive, got " + patchesPerEpoch);
        }
        if (paths.isEmpty()) {
            throw new IllegalArgumentException("Patch training needs at least one source of images");
        }
        List<Source> sources = new ArrayList<>();
        for (String p : paths) {
            String trimmed = p.trim();
            if (trimmed.equalsIgnoreCase(ELLIPSES)) {
                sources.add(new Source(ELLIPSES, List.of()));
            } else {
                Path path = Path.of(trimmed);
                sources.add(new Source(path.getFileName().toString(), read(path, patch)));
            }
        }
        return new PatchCorpus(sources, patch, patchesPerEpoch);
    }

    /**
     * Patches of {@code patch x patch} of the slices of one stack kept in their own units, e.g. the teacher's images
     * of {@link Supervision#CHOICE}: drawn as from a file (scaled to [0, 1] by the stack's peak, then augmented) and
     * given back times that peak, which is also {@link #maximum}, so a run at that intensity scale sees them in
     * [0, 1] and its model serves data of the stack's units.
     *
     * @throws IllegalArgumentException when the slices are smaller than the patch or have no positive value
     */
    public static PatchCorpus ofSlices(ImageSliceDataset slices, int patch, int patchesPerEpoch) {
        if (slices.width() < patch || slices.height() < patch) {
            throw new IllegalArgumentException(slices.description() + " is " + slices.width() + "x"
                + slices.height() + " pixels, smaller than patch=" + patch);
        }
        double peak = slices.maximum();
        if (!(peak > 0)) {
            throw new IllegalArgumentException(slices.description() + " has no positive pixel: nothing to learn from");
        }
        List<float[]> pixels = new ArrayList<>();
        for (int s = 0; s < slices.size(); s++) {
            pixels.add(slices.slice(s));
        }
        List<Image> images = scaled(pixels, slices.width(), slices.height(), (float) peak);
        return new PatchCorpus(List.of(new Source(slices.description(), images)), patch,
            Math.max(1, patchesPerEpoch), peak);
    }

    private static List<Image> read(Path path, int patch) {
        if (Files.isDirectory(path)) {
            List<Path> files;
            try (Stream<Path> list = Files.list(path)) {
                files = list.filter(PatchCorpus::isImageFile).sorted().toList();
            } catch (IOException e) {
                throw new IllegalArgumentException("Cannot list the folder " + path + ": " + e.getMessage(), e);
            }
            if (files.isEmpty()) {
                throw new IllegalArgumentException("The folder " + path + " holds no PNG, TIFF or JPEG images");
            }
            List<Image> images = new ArrayList<>();
            for (Path f : files) {
                images.addAll(readFile(f, patch));
            }
            return images;
        }
        if (!Files.isRegularFile(path)) {
            throw new IllegalArgumentException("Training images " + path + " do not exist");
        }
        return readFile(path, patch);
    }

    private static boolean isImageFile(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        for (String e : EXTENSIONS) {
            if (name.endsWith(e)) {
                return Files.isRegularFile(file);
            }
        }
        return false;
    }

    private static List<Image> readFile(Path file, int patch) {
        ImagePlus image = new Opener().openImage(file.toString());
        if (image == null) {
            throw new IllegalArgumentException("ImageJ cannot open " + file + " as an image");
        }
        if (image.getType() == ImagePlus.COLOR_RGB) {
            throw new IllegalArgumentException(file + " is an RGB image: training takes greyscale images");
        }
        if (image.getWidth() < patch || image.getHeight() < patch) {
            throw new IllegalArgumentException(file + " is " + image.getWidth() + "x" + image.getHeight()
                + " pixels, smaller than patch=" + patch);
        }
        List<float[]> slices = new ArrayList<>();
        float max = 0;
        for (int s = 1; s <= image.getStackSize(); s++) {
            ImageProcessor ip = image.getStack().getProcessor(s).convertToFloatProcessor();
            float[] pixels = (float[]) ip.getPixels();
            for (float v : pixels) {
                max = Math.max(max, v);
            }
            slices.add(pixels);
        }
        float scale = image.getBitDepth() == 8 ? 255f : max;
        if (!(scale > 0)) {
            throw new IllegalArgumentException(file + " has no positive pixel: nothing to learn from");
        }
        return scaled(slices, image.getWidth(), image.getHeight(), scale);
    }

    /** The slices divided by {@code scale} in place, negative values set to 0, as images. */
    private static List<Image> scaled(List<float[]> slices, int width, int height, float scale) {
        List<Image> images = new ArrayList<>();
        for (float[] pixels : slices) {
            for (int i = 0; i < pixels.length; i++) {
                pixels[i] = Math.max(0f, pixels[i] / scale);
            }
            images.add(new Image(pixels, width, height));
        }
        return images;
    }

    public int patch() {
        return patch;
    }

    @Override
    public int size() {
        return patchesPerEpoch;
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public double maximum() {
        return unit;
    }

    @Override
    public NDArray batch(NDManager manager, int[] indices, Shape domainShape, double scale, Random random) {
        int d = domainShape.dimension();
        if (d < 2 || domainShape.get(d - 2) != patch || domainShape.get(d - 1) != patch) {
            throw new IllegalArgumentException("Patches are " + patch + "x" + patch + " but the images to train on"
                + " have shape " + domainShape);
        }
        int perSample = Math.toIntExact(domainShape.size());
        float[] data = new float[indices.length * perSample];
        float inverse = (float) (unit / scale);
        for (int b = 0; b < indices.length; b++) {
            float[] p = draw(random);
            for (int i = 0; i < p.length; i++) {
                data[b * perSample + i] = p[i] * inverse;
            }
        }
        return manager.create(data, new Shape(indices.length).addAll(domainShape));
    }

    /**
     * {@code count} patches drawn once with {@code seed}: a fixed validation or test set. Unlike training draws it
     * takes the sources in turn and, within a source, images evenly spaced in file (or slice) order, so that every
     * held-out image counts: random picks had drawn 11 of the first 16 crops of {@code natural/val} from its vector
     * artwork (flat, TV-friendly regions), none from most of its photographs.
     */
    public ImageSliceDataset fixedSample(int count, long seed) {
        Random random = new Random(seed);
        List<float[]> patches = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int s = i % sources.size();
            Source source = sources.get(s);
            int visits = (count - s + sources.size() - 1) / sources.size();
            int image = (int) ((long) (i / sources.size()) * source.images.size() / visits);
            float[] p = draw(source, image, random);
            for (int v = 0; v < p.length; v++) {
                p[v] *= (float) unit;
            }
            patches.add(p);
        }
        return new ImageSliceDataset(patches, patch, patch, count + " fixed " + description.replace(
            ", " + patchesPerEpoch + " per epoch", "") + " (seed " + seed + ")");
    }

    /** One augmented patch of a random source and image, row-major, values in [0, 1]. */
    float[] draw(Random random) {
        return draw(sources.get(random.nextInt(sources.size())), -1, random);
    }

    /** One augmented patch of {@code image} of the source ({@code -1}: a random image on every attempt). */
    private float[] draw(Source source, int image, Random random) {
        float[] best = null;
        for (int attempt = 0; attempt < 8; attempt++) {
            float[] crop = source.images.isEmpty() ? ellipses(random) : crop(source.images.get(
                image < 0 ? random.nextInt(source.images.size()) : image), random);
            crop = dihedral(crop, patch, random.nextInt(8));
            double a = 0.6 + 0.4 * random.nextDouble();
            double b = (1 - a) * random.nextDouble();
            for (int i = 0; i < crop.length; i++) {
                crop[i] = (float) (a * crop[i] + b);
            }
            best = crop;
            if (deviation(crop) >= FLAT * a) {
                break;
            }
        }
        return best;
    }

    private float[] ellipses(Random random) {
        return new RandomEllipsesPhantom(random.nextLong()).nextClipped(patch);
    }

    /** A crop of side {@code patch * zoom} at a random place, averaged down to {@code patch x patch}. */
    private float[] crop(Image image, Random random) {
        double maxZoom = Math.min(MAX_ZOOM, Math.min(image.width, image.height) / (double) patch);
        double zoom = Math.exp(random.nextDouble() * Math.log(maxZoom));
        int side = Math.min(Math.min(image.width, image.height), (int) Math.round(patch * zoom));
        int x0 = random.nextInt(image.width - side + 1);
        int y0 = random.nextInt(image.height - side + 1);
        float[] out = new float[patch * patch];
        double step = side / (double) patch;
        for (int y = 0; y < patch; y++) {
            int ya = y0 + (int) Math.floor(y * step);
            int yb = Math.max(ya + 1, y0 + (int) Math.floor((y + 1) * step));
            for (int x = 0; x < patch; x++) {
                int xa = x0 + (int) Math.floor(x * step);
                int xb = Math.max(xa + 1, x0 + (int) Math.floor((x + 1) * step));
                double sum = 0;
                for (int v = ya; v < yb; v++) {
                    for (int u = xa; u < xb; u++) {
                        sum += image.pixels[v * image.width + u];
                    }
                }
                out[y * patch + x] = (float) (sum / ((yb - ya) * (xb - xa)));
            }
        }
        return out;
    }

    /** One of the 8 symmetries of the square: bit 0 flips x, bit 1 flips y, bit 2 transposes. */
    static float[] dihedral(float[] p, int n, int which) {
        float[] out = new float[p.length];
        for (int y = 0; y < n; y++) {
            for (int x = 0; x < n; x++) {
                int sx = (which & 1) != 0 ? n - 1 - x : x;
                int sy = (which & 2) != 0 ? n - 1 - y : y;
                out[y * n + x] = (which & 4) != 0 ? p[sx * n + sy] : p[sy * n + sx];
            }
        }
        return out;
    }

    private static double deviation(float[] p) {
        double sum = 0;
        double squares = 0;
        for (float v : p) {
            sum += v;
            squares += (double) v * v;
        }
        double mean = sum / p.length;
        return Math.sqrt(Math.max(0, squares / p.length - mean * mean));
    }
}
