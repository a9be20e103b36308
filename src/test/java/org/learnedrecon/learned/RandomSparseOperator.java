package org.learnedrecon.learned;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.util.Random;
import org.learnedrecon.physics.ForwardOperator;

/**
 * Test operator standing in for the CT ray transform: a random sparse non-negative matrix stored as a DJL COO
 * tensor, mapping images (H, W) to "sinograms" (views, detectors) by sparse-dense matmul, with the transposed
 * matrix as adjoint. Differentiable in the image, as the real ray transform will be. Each row sums {@code perRow}
 * entries at random pixels near a random line, so it is roughly CT-like in conditioning.
 */
public final class RandomSparseOperator implements ForwardOperator {

    private final Shape domain;
    private final Shape range;
    private final NDArray matrix;
    private final NDArray transposed;
    private final NDArray values;
    private final NDArray rowColumn;
    private final NDArray columnRow;
    private final long nonZeros;

    public RandomSparseOperator(NDManager manager, int height, int width, int views, int detectors, int perRow,
        long seed) {
        this.domain = new Shape(height, width);
        this.range = new Shape(views, detectors);
        int rows = views * detectors;
        int columns = height * width;
        Random random = new Random(seed);
        long[] r = new long[rows * perRow];
        long[] c = new long[rows * perRow];
        float[] v = new float[rows * perRow];
        int k = 0;
        for (int view = 0; view < views; view++) {
            double angle = Math.PI * view / views;
            double cos = Math.cos(angle);
            double sin = Math.sin(angle);
            for (int d = 0; d < detectors; d++) {
                double s = (d + 0.5 - detectors / 2.0) * Math.max(height, width) / (double) detectors;
                for (int j = 0; j < perRow; j++) {
                    double t = (j + random.nextDouble()) / perRow - 0.5;
                    double along = t * Math.max(height, width);
                    int px = (int) Math.floor(width / 2.0 + s * cos - along * sin);
                    int py = (int) Math.floor(height / 2.0 + s * sin + along * cos);
                    px = Math.floorMod(px, width);
                    py = Math.floorMod(py, height);
                    r[k] = view * detectors + d;
                    c[k] = (long) py * width + px;
                    v[k] = 0.5f + random.nextFloat();
                    k++;
                }
            }
        }
        // Not NDManager.createCoo: it builds the index and value tensors on Java direct buffers (torch from_blob),
        // closes them and returns a sparse tensor that still points into those buffers, so once the garbage
        // collector frees them the indices are garbage ("addmm: index out of column bound"). We keep our own
        // index/value arrays alive for the operator's lifetime instead.
        values = manager.create(v);
        rowColumn = manager.create(new long[][] {r, c});
        columnRow = manager.create(new long[][] {c, r});
        matrix = JniUtils.createSparseCoo((PtNDArray) rowColumn, (PtNDArray) values, new Shape(rows, columns));
        transposed = JniUtils.createSparseCoo((PtNDArray) columnRow, (PtNDArray) values, new Shape(columns, rows));
        matrix.attach(manager);
        transposed.attach(manager);
        nonZeros = k;
    }

    public long nonZeros() {
        return nonZeros;
    }

    @Override
    public Shape domainShape() {
        return domain;
    }

    @Override
    public Shape rangeShape() {
        return range;
    }

    @Override
    public NDArray apply(NDArray x) {
        long b = x.getShape().get(0);
        NDArray columns = x.reshape(b, domain.size()).transpose();
        NDArray product = matrix.matMul(columns);
        // matMul attaches to the matrix's manager; move the result to the input's (ForwardOperator contract).
        product.attach(x.getManager());
        return product.transpose().reshape(new Shape(b).addAll(range));
    }

    @Override
    public NDArray adjoint(NDArray y) {
        long b = y.getShape().get(0);
        NDArray columns = y.reshape(b, range.size()).transpose();
        NDArray product = transposed.matMul(columns);
        product.attach(y.getManager());
        return product.transpose().reshape(new Shape(b).addAll(domain));
    }

    @Override
    public boolean isDifferentiable() {
        return true;
    }
}
