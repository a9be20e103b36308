package org.learnedrecon.commands;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Path;
import org.learnedrecon.learned.DnCnn;
import org.learnedrecon.learned.SeededInitializer;
import org.learnedrecon.models.LearnedModel;
import org.learnedrecon.models.ModelFile;
import org.learnedrecon.models.ModelMetadata;

/** A model file of an untrained, seeded noise-level-map DnCNN (4 channels, 3 layers): what the posterior needs. */
final class TinyNoiseLevelDenoiser {

    private TinyNoiseLevelDenoiser() {
    }

    static Path write(Path directory) throws IOException {
        Path file = directory.resolve("noise-level.zip");
        try (NDManager m = NDManager.newBaseManager()) {
            DnCnn denoiser = new DnCnn(1, 4, 3, true);
            SeededInitializer.install(denoiser, 3);
            Shape images = new Shape(1, 1, 16, 16);
            denoiser.initialize(m, DataType.FLOAT32, images, images);
            ModelMetadata metadata = new ModelMetadata();
            metadata.architecture = DnCnn.ARCHITECTURE;
            metadata.hyperParameters = denoiser.hyperParameters();
            metadata.domainShape = new long[] {16, 16};
            metadata.rangeShape = new long[] {16, 16};
            ModelFile.save(new LearnedModel(denoiser, metadata), file);
        }
        return file;
    }
}
