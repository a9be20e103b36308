package org.learnedrecon.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.learnedrecon.models.ModelFile;
import org.learnedrecon.models.ModelMetadata;
import org.learnedrecon.physics.mri.CartesianMriOperator;
import org.learnedrecon.physics.mri.RandomLineSampling;

/** The settings form of {@code physics=mri-cartesian} and what it makes a model compatible with. */
class MriCartesianPhysicsTest {

    private final MriCartesianPhysics physics = new MriCartesianPhysics();

    @Test
    void completedSettingsFillTheDefaultsAndKeepAGivenMaskSeedOnly() {
        assertEquals(Map.of("physics", "mri-cartesian", "size", "128", "mask", "random", "acceleration", "8",
            "center", "0.04", "coils", "1"), physics.completeSettings(Map.of("acceleration", "8.0")));
        Map<String, String> seeded = physics.completeSettings(Map.of("maskSeed", "3", "size", "32"));
        assertEquals("3", seeded.get("maskSeed"));
        assertArrayEquals(new RandomLineSampling(8, 0.04).generate(32, 32, 3).values(),
            MriCartesianPhysics.mask(seeded).values(), 0f, "training must still draw the mask of its seed");
        assertEquals(Map.of("physics", "mri-cartesian", "size", "256x128", "mask", "equispaced", "acceleration",
            "4", "center", "0.08", "coils", "8"), MriCartesianPhysics.settingsOf("Equispaced", 4, 0.08, 128, 256, 8));
    }

    @Test
    void aModelFitsAnyMaskSeedButNotAnotherAccelerationCentreOrKind() {
        ModelMetadata model = new ModelMetadata();
        model.architecture = "lgd";
        model.physics.putAll(physics.completeSettings(Map.of("maskSeed", "0", "size", "16")));
        model.domainShape = new long[] {2, 16, 16};
        model.rangeShape = new long[] {2, 16, 16};
        assertTrue(physics.constrainsModel("acceleration"));
        assertFalse(physics.constrainsModel("maskSeed"));
        try (NDManager manager = NDManager.newBaseManager()) {
            CartesianMriOperator operator = new CartesianMriOperator(manager,
                new RandomLineSampling(8, 0.04).generate(16, 16, 99));
            assertEquals(List.of(), ModelFile.compatibilityProblems(model, operator,
                MriCartesianPhysics.settingsOf("random", 8, 0.04, 16, 16, 1)));
            assertEquals(List.of("model trained for mask=random, but the data has mask=equispaced",
                "model trained for acceleration=8, but the data has acceleration=4",
                "model trained for center=0.04, but the data has center=0.08"),
                ModelFile.compatibilityProblems(model, operator,
                    MriCartesianPhysics.settingsOf("equispaced", 4, 0.08, 16, 16, 1)));
        }
    }
}
