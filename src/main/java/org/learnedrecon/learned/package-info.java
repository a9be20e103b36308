/**
 * Learned reconstruction on DJL. {@link org.learnedrecon.learned.ReconstructionNetwork}s (learned gradient descent,
 * learned primal-dual, U-Net post-processing) are DJL blocks whose forward pass takes
 * {@code (measurements, initial reconstruction)} in the operator's shapes and calls the
 * {@link org.learnedrecon.physics.ForwardOperator} on NDArrays, so they train through the physics; the initial
 * reconstruction is any {@link org.learnedrecon.solvers.Solver} (FBP, zero-filled, or
 * {@link org.learnedrecon.solvers.classical.ScaledAdjointReconstruction}). Convolutions see operator tensors through
 * {@link org.learnedrecon.learned.ChannelLayout} ({@code (B, C, H, W)}, C = 1 for CT, 2 for complex MRI, 2 x coils for
 * multi-coil k-space). {@link org.learnedrecon.learned.DnCnn} is a denoiser used by
 * {@link org.learnedrecon.learned.PlugAndPlay} and {@link org.learnedrecon.learned.HalfQuadraticSplitting}.
 *
 * <p>This package knows nothing of model files: {@code models} builds these networks from a file's metadata and
 * turns a trained model into a Solver (it sits above this package, see {@code LayeringTest}).
 */
package org.learnedrecon.learned;
