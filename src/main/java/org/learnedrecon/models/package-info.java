/**
 * Model files: one zip with {@code metadata.json} ({@link org.learnedrecon.models.ModelMetadata}) and DJL weights;
 * {@link org.learnedrecon.models.ModelFile} saves, loads and checks compatibility with the physics at hand;
 * {@link org.learnedrecon.models.NetworkCatalog} rebuilds networks from architecture name and hyper-parameters.
 */
package org.learnedrecon.models;
