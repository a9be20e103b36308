package org.learnedrecon.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.ImagePlus;
import ij.io.FileSaver;
import ij.io.Opener;
import ij.process.FloatProcessor;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageInfoMetadataTest {

    @Test
    void survivesATiffSaveAndOpen(@TempDir Path dir) {
        ImagePlus imp = new ImagePlus("sinogram", new FloatProcessor(4, 3, new float[12]));
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("geometry", "parallel");
        metadata.put("angles", "180");
        metadata.put("range", "0 3.14159265");
        metadata.put("detector", "path with spaces = and equals");
        ImageInfoMetadata.write(imp, metadata);
        String file = dir.resolve("sinogram.tif").toString();
        assertTrue(new FileSaver(imp).saveAsTiff(file));
        ImagePlus opened = new Opener().openImage(file);
        assertEquals(metadata, ImageInfoMetadata.read(opened));
    }

    @Test
    void keepsForeignInfoLinesAndReplacesOwnKeys() {
        ImagePlus imp = new ImagePlus("x", new FloatProcessor(1, 1));
        imp.setProperty("Info", "Acquired on scanner 3\nangles=90\n");
        ImageInfoMetadata.write(imp, Map.of("angles", "180", "noise", "poisson"));
        String info = (String) imp.getProperty("Info");
        assertTrue(info.contains("Acquired on scanner 3"), info);
        assertEquals(1, info.split("angles=", -1).length - 1, info);
        Map<String, String> read = ImageInfoMetadata.read(imp);
        assertEquals("180", read.get("angles"));
        assertEquals("poisson", read.get("noise"));
        assertEquals(2, read.size());
    }

    @Test
    void imageWithoutInfoHasNoMetadata() {
        assertTrue(ImageInfoMetadata.read(new ImagePlus("x", new FloatProcessor(1, 1))).isEmpty());
    }

    @Test
    void badKeysAndValuesAreRejected() {
        ImagePlus imp = new ImagePlus("x", new FloatProcessor(1, 1));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ImageInfoMetadata.write(imp, Map.of("a=b", "1")))
            .getMessage().contains("a=b"));
        assertThrows(IllegalArgumentException.class, () -> ImageInfoMetadata.write(imp, Map.of("k", "two\nlines")));
    }
}
