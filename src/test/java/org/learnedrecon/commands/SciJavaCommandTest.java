package org.learnedrecon.commands;

import net.imglib2.Cursor;
import net.imglib2.RandomAccessibleInterval;
import net.imglib2.type.numeric.real.FloatType;
import net.imglib2.view.Views;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.scijava.Context;
import org.scijava.command.CommandService;

/**
 * Base of the tests that run our commands through a real SciJava {@link Context} and {@link CommandService}: one
 * context per test class, disposed after it.
 */
abstract class SciJavaCommandTest {

    protected static Context context;
    protected static CommandService commands;

    @BeforeAll
    static void startSciJavaContext() {
        context = new Context();
        commands = context.service(CommandService.class);
    }

    @AfterAll
    static void stopSciJavaContext() {
        context.dispose();
    }

    /** The pixels of {@code image} in flat iteration order (x fastest). */
    protected static float[] values(RandomAccessibleInterval<FloatType> image) {
        float[] v = new float[(int) Views.flatIterable(image).size()];
        Cursor<FloatType> c = Views.flatIterable(image).cursor();
        for (int i = 0; i < v.length; i++) {
            v[i] = c.next().get();
        }
        return v;
    }

    /** The largest absolute difference between two images' pixels. */
    protected static double maxDifference(float[] a, float[] b) {
        double difference = 0;
        for (int i = 0; i < a.length; i++) {
            difference = Math.max(difference, Math.abs(a[i] - b[i]));
        }
        return difference;
    }
}
