package org.learnedrecon.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import org.learnedrecon.physics.ForwardOperator;

/**
 * Measured data to train or adapt a solver on ({@code measurements=}): the measurements, one per slice, and the
 * acquisition they come from. {@link MeasuredSinograms} (CT) or {@link MeasuredKspace} (MRI).
 */
public interface MeasuredData {

    /** The measurements as training samples of the operator's range shape. */
    TrainingImages measurements();

    /** The {@code org.learnedrecon.acquisition.PhysicsCatalog} name of the acquisition. */
    String physics();

    /** The acquisition as physics settings (without {@code physics}), the form model files record. */
    Map<String, String> settings();

    /** The operator of the acquisition, in {@code manager}. */
    ForwardOperator operator(NDManager manager);

    /** {@link #settings()} with {@code physics}, as the loaders of learned solvers take them. */
    default Map<String, String> settingsWithPhysics() {
        Map<String, String> settings = new LinkedHashMap<>(settings());
        settings.put("physics", physics());
        return settings;
    }

    /** Every slice's measurements, in order, as one batch of {@code acquisition}'s range shape in {@code manager}. */
    default NDArray allSlices(NDManager manager, ForwardOperator acquisition) {
        return measurements().batch(manager, IntStream.range(0, measurements().size()).toArray(),
            acquisition.rangeShape(), 1.0, new Random(0));
    }
}
