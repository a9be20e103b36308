package org.learnedrecon.commands;

import java.util.LinkedHashMap;
import java.util.Map;
import net.imglib2.img.basictypeaccess.array.FloatArray;
import net.imglib2.img.planar.PlanarImg;
import net.imglib2.type.numeric.real.FloatType;
import org.learnedrecon.io.MetadataImage;
import org.learnedrecon.phantoms.RandomEllipsesPhantom;
import org.learnedrecon.phantoms.SheppLoganPhantom;
import org.scijava.ItemIO;
import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

/**
 * Plugins>Learned Reconstruction>Phantom...: a modified Shepp-Logan or random-ellipses test image (or stack).
 * Macro keys: {@code type=}, {@code size=}, {@code slices=}, {@code seed=}.
 */
@Plugin(type = Command.class, menuPath = "Plugins>Learned Reconstruction>Phantom...")
public class PhantomCommand extends MonitoredCommand {

    public static final String SHEPP_LOGAN = "Shepp-Logan";
    public static final String RANDOM_ELLIPSES = "Random ellipses";

    @Parameter(label = "Type", choices = {SHEPP_LOGAN, RANDOM_ELLIPSES})
    private String type = SHEPP_LOGAN;

    @Parameter(label = "Size (pixels)", min = "2", max = "8192")
    private int size = 256;

    @Parameter(label = "Slices", min = "1", max = "100000")
    private int slices = 1;

    @Parameter(label = "Seed (random ellipses)")
    private long seed = 42;

    @Parameter(type = ItemIO.OUTPUT, label = "Phantom")
    private MetadataImage phantom;

    @Override
    public void run() {
        if (size < 2 || slices < 1) {
            throw new IllegalArgumentException("size= must be at least 2 and slices= at least 1, got size=" + size
                + ", slices=" + slices);
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        PlanarImg<FloatType, FloatArray> image;
        String title;
        if (SHEPP_LOGAN.equals(type)) {
            image = SheppLoganPhantom.stack(size, slices);
            title = "Shepp-Logan " + size;
            metadata.put("phantom", "modified Shepp-Logan (Toft)");
        } else if (RANDOM_ELLIPSES.equals(type)) {
            image = new RandomEllipsesPhantom(seed).nextStack(size, slices, progress());
            title = "Random ellipses " + size + " seed " + seed;
            metadata.put("phantom", "random ellipses (Adler-Oktem)");
            metadata.put("seed", Long.toString(seed));
        } else {
            throw new IllegalArgumentException("Unknown phantom type '" + type + "': choose " + SHEPP_LOGAN + " or "
                + RANDOM_ELLIPSES);
        }
        metadata.put("grid", "pixel centres span [-1,1], row 0 at y=+1");
        phantom = new MetadataImage(title, image, metadata);
    }

    /** The result, for callers holding the instance. */
    public MetadataImage phantom() {
        return phantom;
    }
}
