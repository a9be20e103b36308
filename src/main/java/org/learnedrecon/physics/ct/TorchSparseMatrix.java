package org.learnedrecon.physics.ct;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;

/**
 * Creates a PyTorch sparse COO matrix whose index and value storage is owned by libtorch.
 *
 * <p>Why not {@code NDManager.createCoo}: in DJL 0.35.1 it wraps the data in direct buffers with
 * {@code torch::from_blob} (no copy), builds the sparse tensor on them, then closes the dense arrays; the sparse
 * tensor keeps pointing into buffers the Java GC later frees, and a later {@code matMul} crashes the JVM
 * (SIGSEGV in {@code s_addmm_out_sparse_dense_worker}, seen here). We clone indices and values into libtorch
 * memory first, so the sparse tensor's storage is reference-counted by libtorch itself. This is the only
 * engine-specific code of the package.
 */
final class TorchSparseMatrix {

    private TorchSparseMatrix() {
    }

    static NDArray create(NDManager manager, long[] rows, long[] columns, float[] values, Shape shape) {
        try (NDManager scope = manager.newSubManager()) {
            NDArray blobIndices = scope.create(new long[][] {rows, columns});
            NDArray blobValues = scope.create(values);
            if (!(blobIndices instanceof PtNDArray) || !(blobValues instanceof PtNDArray)) {
                throw new IllegalStateException("The differentiable ray transform needs the PyTorch engine, got "
                    + manager.getEngine().getEngineName());
            }
            NDArray indices = blobIndices.duplicate();
            NDArray data = blobValues.duplicate();
            indices.attach(scope);
            data.attach(scope);
            NDArray sparse = JniUtils.createSparseCoo((PtNDArray) indices, (PtNDArray) data, shape);
            sparse.attach(manager);
            return sparse;
        }
    }
}
