package org.learnedrecon.models;

import ai.djl.nn.Block;

/**
 * A trained network with its metadata, as stored in one model file. The network's parameters live in the
 * {@link ai.djl.ndarray.NDManager} it was initialised or loaded with; closing that manager frees them.
 */
public final class LearnedModel {

    private final Block network;
    private final ModelMetadata metadata;

    public LearnedModel(Block network, ModelMetadata metadata) {
        this.network = network;
        this.metadata = metadata;
    }

    public Block network() {
        return network;
    }

    public ModelMetadata metadata() {
        return metadata;
    }
}
