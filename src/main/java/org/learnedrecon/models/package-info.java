/**
 * Model files: one zip with {@code metadata.json} ({@link org.learnedrecon.models.ModelMetadata}) and DJL weights;
 * {@link org.learnedrecon.models.ModelFile} saves, loads and checks compatibility with the physics at hand;
 * {@link org.learnedrecon.models.NetworkCatalog} rebuilds networks from architecture name and hyper-parameters;
 * {@link org.learnedrecon.models.PretrainedModels} lists the shipped models.
 *
 * <p>Model loading lives here, in one place: {@link org.learnedrecon.models.LearnedSolverFactory} turns what a user
 * types ({@code solver=}, {@code model=}, {@code device=}) and the data's physics into a
 * {@link org.learnedrecon.models.LoadedLearnedSolver} (network, operator and device, run in batches), around a
 * {@link org.learnedrecon.models.LearnedSolver} (a trained model as a {@link org.learnedrecon.solvers.Solver}).
 * This package sits above {@code physics}, {@code solvers}, {@code learned} and {@code acquisition} (whose settings
 * it compares with a model's), and below the reconstruction loop, training and the commands.
 */
package org.learnedrecon.models;
