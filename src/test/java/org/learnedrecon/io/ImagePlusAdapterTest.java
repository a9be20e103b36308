package org.learnedrecon.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.ImagePlus;
import ij.ImageStack;
import ij.process.ByteProcessor;
import ij.process.ColorProcessor;
import ij.process.FloatProcessor;
import ij.process.ShortProcessor;
import java.util.Map;
import net.imglib2.RandomAccess;
import net.imglib2.img.basictypeaccess.array.FloatArray;
import net.imglib2.img.planar.PlanarImg;
import net.imglib2.img.planar.PlanarImgs;
import net.imglib2.type.numeric.real.FloatType;
import org.junit.jupiter.api.Test;

class ImagePlusAdapterTest {

    @Test
    void greyTypesAreCopiedAsUnsignedValues() {
        ByteProcessor bytes = new ByteProcessor(3, 2, new byte[] {0, 1, (byte) 200, 3, 4, (byte) 255});
        ShortProcessor shorts = new ShortProcessor(3, 2, new short[] {0, 1, (short) 60000, 3, 4, 5}, null);
        FloatProcessor floats = new FloatProcessor(3, 2, new float[] {-1.5f, 0, 2, 3, 4, 1e-3f});
        assertArrayEquals(new float[] {0, 1, 200, 3, 4, 255}, plane(ImagePlusAdapter.toImg(new ImagePlus("b", bytes)), 0));
        assertArrayEquals(new float[] {0, 1, 60000, 3, 4, 5}, plane(ImagePlusAdapter.toImg(new ImagePlus("s", shorts)), 0));
        assertArrayEquals(new float[] {-1.5f, 0, 2, 3, 4, 1e-3f},
            plane(ImagePlusAdapter.toImg(new ImagePlus("f", floats)), 0));
    }

    @Test
    void inputIsNeverModified() {
        float[] pixels = {1, 2, 3, 4};
        ImagePlus imp = new ImagePlus("f", new FloatProcessor(2, 2, pixels));
        PlanarImg<FloatType, FloatArray> img = ImagePlusAdapter.toImg(imp);
        plane(img, 0)[0] = 99;
        assertEquals(1f, pixels[0]);
        ImagePlus back = ImagePlusAdapter.toImagePlus(img, "back");
        ((float[]) back.getProcessor().getPixels())[1] = -7;
        assertEquals(2f, plane(img, 0)[1]);
    }

    @Test
    void rgbIsRejectedWithAClearMessage() {
        ImagePlus rgb = new ImagePlus("colour photo", new ColorProcessor(4, 4));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ImagePlusAdapter.toImg(rgb));
        assertTrue(e.getMessage().contains("colour photo") && e.getMessage().contains("RGB"), e.getMessage());
    }

    @Test
    void stackPlanesKeepTheirOrderBothWays() {
        ImageStack stack = new ImageStack(2, 1);
        for (int s = 0; s < 3; s++) {
            stack.addSlice(null, new float[] {10 * s, 10 * s + 1});
        }
        PlanarImg<FloatType, FloatArray> img = ImagePlusAdapter.toImg(new ImagePlus("stack", stack));
        assertArrayEquals(new long[] {2, 1, 3}, img.dimensionsAsLongArray());
        RandomAccess<FloatType> ra = img.randomAccess();
        ra.setPosition(new long[] {1, 0, 2});
        assertEquals(21f, ra.get().get());
        ImagePlus back = ImagePlusAdapter.toImagePlus(img, "back");
        assertEquals(3, back.getStackSize());
        assertEquals(ImagePlus.GRAY32, back.getType());
        assertEquals(21f, back.getStack().getProcessor(3).getf(1, 0));
    }

    @Test
    void fourDimensionalImagesBecomeChannelHyperstacks() {
        PlanarImg<FloatType, FloatArray> img = PlanarImgs.floats(2, 2, 2, 3);
        RandomAccess<FloatType> ra = img.randomAccess();
        ra.setPosition(new long[] {1, 1, 1, 2});
        ra.get().set(5f);
        ImagePlus imp = ImagePlusAdapter.toImagePlus(img, "complex");
        assertEquals(2, imp.getNChannels());
        assertEquals(3, imp.getNSlices());
        assertEquals(1, imp.getNFrames());
        // ImageJ stack index of channel 2, slice 3 = (3 - 1) * 2 + 2 = 6.
        assertEquals(5f, imp.getStack().getProcessor(imp.getStackIndex(2, 3, 1)).getf(1, 1));
        assertArrayEquals(new long[] {2, 2, 2, 3}, ImagePlusAdapter.toImg(imp).dimensionsAsLongArray());
    }

    @Test
    void metadataImageCarriesInfo() {
        ImagePlus imp = new ImagePlus("sino", new FloatProcessor(2, 2));
        ImageInfoMetadata.write(imp, Map.of("angles", "180"));
        MetadataImage image = ImagePlusAdapter.toMetadataImage(imp);
        assertEquals("sino", image.title());
        assertEquals("180", image.require("angles"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> image.require("geometry"));
        assertTrue(e.getMessage().contains("geometry") && e.getMessage().contains("sino"));
        ImagePlus back = ImagePlusAdapter.toImagePlus(image);
        assertEquals("sino", back.getTitle());
        assertEquals(Map.of("angles", "180"), ImageInfoMetadata.read(back));
    }

    private static float[] plane(PlanarImg<FloatType, FloatArray> img, int p) {
        return img.getPlane(p).getCurrentStorageArray();
    }
}
