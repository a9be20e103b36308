package org.learnedrecon.learned;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.learnedrecon.physics.ForwardOperator;
import org.learnedrecon.solvers.ProgressMonitor;
import org.learnedrecon.solvers.RecordingOperator;

/**
 * Where plug-and-play checks for cancellation. At 512 x 512 one half-quadratic-splitting iteration takes about 20 s
 * on one core (the 12-layer denoiser 15-20 s, the data step six applications of A* A), so checking once per
 * iteration would not stop within 1 s: the solver checks before every application of the operator and the
 * denoiser before every band of rows of every convolution.
 */
class PlugAndPlayCancellationTest {

    /** Counts polls of {@link #isCancelled}; never cancelled. */
    private static final class Polls implements ProgressMonitor {
        final List<String> events;
        int count;

        Polls(List<String> events) {
            this.events = events;
        }

        @Override
        public void progress(long done, long total, String message) {
        }

        @Override
        public boolean isCancelled() {
            count++;
            events.add("poll");
            return false;
        }
    }

    private static DnCnn denoiser(NDManager m, boolean noiseMap) {
        DnCnn d = new DnCnn(1, 4, 3, noiseMap);
        SeededInitializer.install(d, 11);
        Shape image = new Shape(1, 1, 16, 16);
        d.initialize(m, DataType.FLOAT32, noiseMap ? new Shape[] {image, image} : new Shape[] {image});
        return d;
    }

    /**
     * A 300 x 120 image is two bands (of 273 and 27 rows): the banded pass gives the forward pass's values, polls
     * once per band of each of the 3 convolutions, and leaves only its result in the caller's manager.
     */
    @Test
    void denoiserRunsBandByBandWithTheValuesOfItsForwardPass() {
        for (boolean noiseMap : new boolean[] {false, true}) {
            try (NDManager m = NDManager.newBaseManager()) {
                DnCnn d = denoiser(m, noiseMap);
                ParameterStore ps = new ParameterStore(m, false);
                NDArray x = m.randomUniform(0, 1, new Shape(1, 1, 300, 120));
                NDList inputs = d.inputs(x, 0.05);
                NDArray expected;
                try (NDManager scope = m.newSubManager()) {
                    expected = d.forward(ps, inputs, false).singletonOrThrow();
                    expected.attach(m);
                }
                int before = m.getManagedArrays().size();
                Polls polls = new Polls(new ArrayList<>());
                NDArray banded = d.denoise(ps, inputs, polls);
                assertEquals(before + 1, m.getManagedArrays().size(), "only the result stays");
                assertEquals(6, polls.count, "3 convolutions x 2 bands");
                assertEquals(expected.getShape(), banded.getShape());
                float difference = expected.sub(banded).abs().max().getFloat();
                assertTrue(difference < 1e-5f, "noise map " + noiseMap + ": max difference " + difference);
            }
        }
    }

    /** Every application of A or A* in a half-quadratic-splitting run comes right after a cancellation check. */
    @Test
    void splittingChecksBeforeEveryOperatorApplication() {
        try (NDManager m = NDManager.newBaseManager()) {
            List<String> events = new ArrayList<>();
            ForwardOperator sparse = RandomSparseOperator.create(m, 16, 16, 4, 23, 16, 3);
            RecordingOperator logged = new RecordingOperator(sparse, events);
            HalfQuadraticSplitting hqs = new HalfQuadraticSplitting(denoiser(m, false), 1.0, 0.05, 2, 0.1, 0.05,
                0.01, 3, null);
            NDArray y = sparse.apply(m.randomUniform(0, 1, new Shape(2, 16, 16)));
            hqs.reconstruct(y, logged, new Polls(events));
            long applications = events.stream().filter(e -> !e.equals("poll")).count();
            // the norm estimate (7 steps x 2 here of the 30 allowed: it stops once settled), A* y, and per
            // iteration 1 + 3 conjugate-gradient A* A (x 2)
            assertEquals(2 * 7 + 1 + 2 * 8, applications);
            for (int i = 0; i < events.size(); i++) {
                if (!events.get(i).equals("poll")) {
                    assertEquals("poll", events.get(i - 1), "event " + i + " (" + events.get(i) + ") unchecked");
                }
            }
        }
    }
}
