/**
 * Classical iterative solvers written once against {@link org.learnedrecon.physics.ForwardOperator}: SIRT, CGLS,
 * TV (Chambolle-Pock) and FISTA with a pluggable {@link org.learnedrecon.solvers.classical.Proximal}. They share
 * {@link org.learnedrecon.solvers.classical.IterativeSolver}: parameters by builder, per-iteration memory scopes,
 * progress, cancellation, early stopping on the relative change of the estimate, and an optional initial guess.
 */
package org.learnedrecon.solvers.classical;
