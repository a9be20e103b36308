package org.learnedrecon.io;

import ij.ImagePlus;
import ij.ImageStack;
import ij.process.FloatProcessor;
import ij.process.ImageProcessor;
import net.imglib2.Cursor;
import net.imglib2.RandomAccessibleInterval;
import net.imglib2.img.basictypeaccess.array.FloatArray;
import net.imglib2.img.planar.PlanarImg;
import net.imglib2.img.planar.PlanarImgs;
import net.imglib2.type.numeric.RealType;
import net.imglib2.type.numeric.real.FloatType;
import net.imglib2.view.Views;

/**
 * Copies between ImageJ 1.x images and ImgLib2 float images, in both directions; the source is never modified.
 *
 * <p>Layout: an ImagePlus of width W, height H, C channels and S = slices x frames stack positions becomes a
 * {@code PlanarImg<FloatType>} of dimensions (W, H) for a single plane, (W, H, S) when C = 1, and (W, H, C, S)
 * when C > 1 (ImageJ's stack order is channel fastest, so planes are copied in order). Back, every dimension after
 * the second is flattened into stack planes (the first of them fastest), and a 4-D image becomes a hyperstack of
 * dimension(2) channels and dimension(3) slices: the complex layout of {@link ComplexHyperstack} round-trips.
 * 8- and 16-bit values are copied as their unsigned grey values (calibration functions are not applied).
 */
public final class ImagePlusAdapter {

    private ImagePlusAdapter() {
    }

    /** A float copy of all planes of {@code imp}. Rejects RGB images, which have no single grey value. */
    public static PlanarImg<FloatType, FloatArray> toImg(ImagePlus imp) {
        if (imp == null) {
            throw new IllegalArgumentException("No image given");
        }
        if (imp.getType() == ImagePlus.COLOR_RGB) {
            throw new IllegalArgumentException("Image '" + imp.getTitle() + "' is RGB; convert it to 8-, 16- or "
                + "32-bit greyscale first (Image>Type)");
        }
        int w = imp.getWidth();
        int h = imp.getHeight();
        ImageStack stack = imp.getStack();
        int planes = stack.getSize();
        int channels = imp.getNChannels();
        long[] dims = planes == 1 ? new long[] {w, h}
            : channels > 1 ? new long[] {w, h, channels, planes / channels} : new long[] {w, h, planes};
        PlanarImg<FloatType, FloatArray> img = PlanarImgs.floats(dims);
        for (int p = 0; p < planes; p++) {
            ImageProcessor ip = stack.getProcessor(p + 1);
            float[] target = img.getPlane(p).getCurrentStorageArray();
            if (ip instanceof FloatProcessor) {
                System.arraycopy(ip.getPixels(), 0, target, 0, w * h);
            } else {
                for (int i = 0; i < w * h; i++) {
                    target[i] = ip.getf(i);
                }
            }
        }
        return img;
    }

    /** A new 32-bit ImagePlus holding a copy of {@code img} (2-D or more; see the class comment for the layout). */
    public static ImagePlus toImagePlus(RandomAccessibleInterval<? extends RealType<?>> img, String title) {
        if (img.numDimensions() < 2) {
            throw new IllegalArgumentException("Image '" + title + "' has " + img.numDimensions()
                + " dimension(s); at least 2 (width, height) are needed");
        }
        long w = img.dimension(0);
        long h = img.dimension(1);
        long planes = 1;
        for (int d = 2; d < img.numDimensions(); d++) {
            planes *= img.dimension(d);
        }
        if (w * h > Integer.MAX_VALUE || planes > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("Image '" + title + "' is too large for ImageJ 1.x");
        }
        ImageStack stack = new ImageStack((int) w, (int) h);
        // Flat iteration is x fastest, then y, then the higher dimensions: exactly ImageJ's plane order.
        Cursor<? extends RealType<?>> cursor = Views.flatIterable(img).cursor();
        for (long p = 0; p < planes; p++) {
            float[] pixels = new float[(int) (w * h)];
            for (int i = 0; i < pixels.length; i++) {
                pixels[i] = cursor.next().getRealFloat();
            }
            stack.addSlice(null, pixels);
        }
        ImagePlus imp = new ImagePlus(title, stack);
        if (img.numDimensions() == 4 && img.dimension(2) > 1) {
            imp.setDimensions((int) img.dimension(2), (int) img.dimension(3), 1);
            imp.setOpenAsHyperStack(true);
        }
        imp.resetDisplayRange();
        return imp;
    }

    /** Image and Info metadata of {@code imp}, copied. */
    public static MetadataImage toMetadataImage(ImagePlus imp) {
        return new MetadataImage(imp.getTitle(), toImg(imp), ImageInfoMetadata.read(imp));
    }

    /** A new ImagePlus holding a copy of the image, titled and with its metadata in the Info property. */
    public static ImagePlus toImagePlus(MetadataImage image) {
        ImagePlus imp = toImagePlus(image.image(), image.title());
        ImageInfoMetadata.write(imp, image.metadata());
        return imp;
    }
}
