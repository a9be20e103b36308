package org.learnedrecon.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import ai.djl.util.PairList;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Adam (Kingma &amp; Ba 2015, with bias correction, as {@code torch.optim.Adam}) whose state can be saved and
 * restored. We do not use DJL's {@code ai.djl.training.optimizer.Adam}: it keeps its moment estimates and update
 * counts in private maps with no API to read or restore them, so a training run resumed from a checkpoint would
 * restart the moments at zero and not reproduce an uninterrupted run.
 *
 * <p>The moments live in this optimizer's own manager; temporaries of an update live in the caller's scratch
 * manager.
 */
public final class AdamOptimizer implements AutoCloseable {

    private static final double BETA1 = 0.9;
    private static final double BETA2 = 0.999;
    private static final double EPSILON = 1e-8;

    private double learningRate;
    private final NDManager manager;
    private final Map<String, NDArray> firstMoments = new LinkedHashMap<>();
    private final Map<String, NDArray> secondMoments = new LinkedHashMap<>();
    private long steps;

    public AdamOptimizer(double learningRate, NDManager parent) {
        learningRate(learningRate);
        this.manager = parent.newSubManager();
    }

    /** Sets the rate of the steps from now on (a schedule); the moments are kept. */
    public void learningRate(double value) {
        if (!(value > 0)) {
            throw new IllegalArgumentException("Learning rate must be positive, got " + value);
        }
        learningRate = value;
    }

    public long steps() {
        return steps;
    }

    /**
     * One Adam step on every parameter from the gradients DJL autograd left on them; the gradients are then set to
     * zero for the next step.
     */
    public void update(PairList<String, Parameter> parameters, NDManager scratch) {
        steps++;
        double correction1 = 1 - Math.pow(BETA1, steps);
        double correction2 = 1 - Math.pow(BETA2, steps);
        for (Pair<String, Parameter> entry : parameters) {
            NDArray weight = entry.getValue().getArray();
            NDArray gradient = weight.getGradient();
            gradient.attach(scratch);
            NDArray m = firstMoments.computeIfAbsent(entry.getKey(), k -> manager.zeros(weight.getShape()));
            NDArray v = secondMoments.computeIfAbsent(entry.getKey(), k -> manager.zeros(weight.getShape()));
            m.tempAttach(scratch);
            v.tempAttach(scratch);
            m.muli(BETA1).addi(gradient.mul(1 - BETA1));
            v.muli(BETA2).addi(gradient.square().mul(1 - BETA2));
            NDArray denominator = v.div(correction2).sqrt().add(EPSILON);
            weight.subi(m.div(denominator).mul(learningRate / correction1));
            gradient.muli(0);
        }
    }

    /** Writes the step count and both moments of every parameter, in the parameters' order. */
    public void save(DataOutputStream out) throws IOException {
        out.writeLong(steps);
        out.writeInt(firstMoments.size());
        for (Map.Entry<String, NDArray> e : firstMoments.entrySet()) {
            out.writeUTF(e.getKey());
            writeArray(out, e.getValue());
            writeArray(out, secondMoments.get(e.getKey()));
        }
    }

    /** Restores what {@link #save} wrote, replacing the current state. */
    public void load(DataInputStream in) throws IOException {
        long savedSteps = in.readLong();
        int count = in.readInt();
        Map<String, NDArray> first = new LinkedHashMap<>();
        Map<String, NDArray> second = new LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
            String name = in.readUTF();
            first.put(name, readArray(in));
            second.put(name, readArray(in));
        }
        firstMoments.values().forEach(NDArray::close);
        secondMoments.values().forEach(NDArray::close);
        firstMoments.clear();
        secondMoments.clear();
        firstMoments.putAll(first);
        secondMoments.putAll(second);
        steps = savedSteps;
    }

    private static void writeArray(DataOutputStream out, NDArray array) throws IOException {
        byte[] bytes = array.encode();
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    private NDArray readArray(DataInputStream in) throws IOException {
        int length = in.readInt();
        if (length < 0 || length > (1 << 30)) {
            throw new IOException("Corrupt optimizer state (array of " + length + " bytes)");
        }
        byte[] bytes = new byte[length];
        in.readFully(bytes);
        return NDArray.decode(manager, bytes);
    }

    @Override
    public void close() {
        manager.close();
    }
}
