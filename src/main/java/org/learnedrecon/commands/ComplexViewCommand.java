package org.learnedrecon.commands;

import java.util.LinkedHashMap;
import java.util.Map;
import net.imglib2.RandomAccessibleInterval;
import net.imglib2.img.planar.PlanarImgs;
import net.imglib2.loops.LoopBuilder;
import net.imglib2.type.numeric.real.FloatType;
import org.learnedrecon.io.ComplexHyperstack;
import org.learnedrecon.io.MetadataImage;
import org.scijava.ItemIO;
import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

/**
 * Plugins>Learned Reconstruction>Complex Magnitude and Phase...: magnitude |z| and phase arg z (radians) of a
 * complex image in the 2-channel (real, imaginary) hyperstack layout of {@link ComplexHyperstack} (k-space, coil
 * images, complex reconstructions). Macro key: {@code image=}.
 */
@Plugin(type = Command.class, menuPath = "Plugins>Learned Reconstruction>Complex Magnitude and Phase...")
public class ComplexViewCommand extends MonitoredCommand {

    @Parameter(label = "Image (2-channel real/imaginary)")
    private MetadataImage image;

    @Parameter(type = ItemIO.OUTPUT, label = "Magnitude")
    private MetadataImage magnitude;

    @Parameter(type = ItemIO.OUTPUT, label = "Phase")
    private MetadataImage phase;

    @Override
    public void run() {
        RandomAccessibleInterval<FloatType> complex = image.image();
        Map<String, String> metadata = new LinkedHashMap<>(image.metadata());
        metadata.put("source", image.title());
        magnitude = new MetadataImage(image.title() + " magnitude", copy(ComplexHyperstack.magnitude(complex)),
            metadata);
        metadata.put("unit", "radian");
        phase = new MetadataImage(image.title() + " phase", copy(ComplexHyperstack.phase(complex)), metadata);
    }

    /** Materialises a lazy view, so the outputs do not keep the input alive or recompute on each access. */
    private static RandomAccessibleInterval<FloatType> copy(RandomAccessibleInterval<FloatType> view) {
        RandomAccessibleInterval<FloatType> target = PlanarImgs.floats(view.dimensionsAsLongArray());
        LoopBuilder.setImages(view, target).forEachPixel((in, out) -> out.set(in));
        return target;
    }
}
