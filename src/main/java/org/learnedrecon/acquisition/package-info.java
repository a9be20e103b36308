/**
 * Acquisitions: what the text settings {@code physics=...} of training, model files and the commands denote, one
 * place for each. A {@link org.learnedrecon.acquisition.PhysicsFactory} turns the settings into a forward operator,
 * names the training noise ({@link org.learnedrecon.physics.noise.MeasurementNoise}) and the initial reconstruction
 * the learned solvers start from; {@link org.learnedrecon.acquisition.PhysicsCatalog} finds the factories
 * ({@link org.learnedrecon.acquisition.CtParallelPhysics}, {@link org.learnedrecon.acquisition.MriCartesianPhysics},
 * and any registered through {@code META-INF/services/org.learnedrecon.acquisition.PhysicsFactory}). The settings that
 * travel with measurements in their Info live here too: {@link org.learnedrecon.acquisition.MriAcquisitionSettings}
 * ({@code mri.*}, Simulate MRI to Reconstruct MRI) and {@link org.learnedrecon.acquisition.SinogramScan} (a
 * sinogram's scan from its {@code ct.*} keys, with the assumptions and warnings to report).
 *
 * <p>Why a top-level package and not {@code physics.acquisition}: the initial reconstruction is a
 * {@link org.learnedrecon.solvers.Solver} (Hann-filtered FBP for CT, zero-filled for MRI, and by default
 * {@link org.learnedrecon.solvers.classical.ScaledAdjointReconstruction}), so an acquisition needs the solvers, while
 * {@code physics} (operators and noise) must not: it is the bottom layer. This package sits above {@code physics}
 * and {@code solvers} only; model loading, training and the commands use it ({@code LayeringTest}).
 */
package org.learnedrecon.acquisition;
