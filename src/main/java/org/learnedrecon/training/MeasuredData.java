package org.learnedrecon.training;

import ai.djl.ndarray.NDManager;
import java.util.Map;
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
}
