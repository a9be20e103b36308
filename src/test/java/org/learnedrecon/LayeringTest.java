package org.learnedrecon;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;

/**
 * The package layering, checked on the compiled main classes (tests excluded): physics at the bottom, then solvers,
 * learned networks and model files, then acquisitions (physics plus their initial reconstruction), then training, and
 * on top the ImageJ/SciJava front ends (commands, ij1). Only the front ends, image I/O and training touch ImageJ.
 */
class LayeringTest {

    private static final String ROOT = "org.learnedrecon";

    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter().withImportOption(new ImportOption.DoNotIncludeTests()).importPackages(ROOT);
    }

    @Test
    void physicsIsPure() {
        noClasses().that().resideInAPackage(ROOT + ".physics..")
            .should().dependOnClassesThat().resideInAnyPackage(ROOT + ".solvers..", ROOT + ".learned..",
                ROOT + ".training..", ROOT + ".models..", ROOT + ".acquisition..", ROOT + ".commands..",
                ROOT + ".ij1..", "ij..", "net.imagej..")
            .because("the forward operators and noise are the bottom layer: everything else builds on them")
            .check(classes);
    }

    @Test
    void solversLearnedAndModelsIgnoreTrainingAndFrontEnds() {
        noClasses().that().resideInAnyPackage(ROOT + ".solvers..", ROOT + ".learned..", ROOT + ".models..")
            .should().dependOnClassesThat().resideInAnyPackage(ROOT + ".training..", ROOT + ".commands..",
                ROOT + ".ij1..")
            .because("reconstruction and model loading must work without the training code or a user interface")
            .check(classes);
    }

    @Test
    void acquisitionsIgnoreTrainingAndFrontEnds() {
        ignoresTrainingFrontEndsAndImageJ("acquisition", "an acquisition (physics settings, training noise, initial"
            + " reconstruction) is used by training, model loading and the commands alike");
    }

    @Test
    void reconstructionIgnoresTrainingAndFrontEnds() {
        ignoresTrainingFrontEndsAndImageJ("reconstruction", "the per-slice reconstruction loop is the core that"
            + " every Reconstruct command calls: it runs without the training code or a user interface");
    }

    private static void ignoresTrainingFrontEndsAndImageJ(String layer, String reason) {
        noClasses().that().resideInAPackage(ROOT + "." + layer + "..")
            .should().dependOnClassesThat().resideInAnyPackage(ROOT + ".training..", ROOT + ".commands..",
                ROOT + ".ij1..", "ij..", "net.imagej..")
            .because(reason)
            .check(classes);
    }

    @Test
    void onlyIoFrontEndsAndTrainingUseImageJ() {
        noClasses().that().resideInAPackage(ROOT + "..")
            .and().resideOutsideOfPackages(ROOT + ".io..", ROOT + ".commands..", ROOT + ".ij1..",
                ROOT + ".training..")
            .should().dependOnClassesThat().resideInAPackage("ij..")
            .because("ImageJ 1.x is the user interface and file reader: training reads TIFF stacks with its Opener")
            .check(classes);
    }

    /*
     * Disabled: one known cycle remains, between solvers, learned, models and acquisition.
     *   learned -> solvers (learned solvers implement Solver) and -> models (LearnedSolver wraps a LearnedModel);
     *   models -> learned (NetworkCatalog builds the networks, ModelFile uses ChannelLayout and SeededInitializer)
     *     and -> acquisition (ModelFile checks a model's physics with PhysicsCatalog);
     *   solvers -> models, learned, acquisition (only LearnedSolverFactory and LoadedLearnedSolver);
     *   acquisition -> solvers, learned (the initial reconstruction: FBP, zero-filled, ScaledAdjointReconstruction).
     * Removing it means moving the model-loading classes (LearnedSolverFactory, LoadedLearnedSolver, LearnedSolver)
     * out of solvers and learned into models. Until then noCyclesOutsideTheKnownKnot keeps new cycles out.
     */
    @Disabled("known cycle solvers <-> learned <-> models <-> acquisition, see the comment above")
    @Test
    void noCyclesBetweenTopLevelPackages() {
        slices().matching(ROOT + ".(*)..").should().beFreeOfCycles().check(classes);
    }

    /** The packages of the known cycle (see {@link #noCyclesBetweenTopLevelPackages}). */
    private static final Set<String> KNOWN_KNOT = Set.of("solvers", "learned", "models", "acquisition");

    /** No cycles between the top-level packages once the known cycle's packages count as one. */
    @Test
    void noCyclesOutsideTheKnownKnot() {
        SliceAssignment topLevel = new SliceAssignment() {
            @Override
            public SliceIdentifier getIdentifierOf(JavaClass javaClass) {
                String name = javaClass.getPackageName();
                if (!name.startsWith(ROOT + ".")) {
                    return SliceIdentifier.ignore();
                }
                String top = name.substring(ROOT.length() + 1).split("\\.")[0];
                return SliceIdentifier.of(KNOWN_KNOT.contains(top) ? String.join("+", new TreeSet<>(KNOWN_KNOT)) : top);
            }

            @Override
            public String getDescription() {
                return "top-level packages of " + ROOT + ", with " + KNOWN_KNOT + " as one";
            }
        };
        slices().assignedFrom(topLevel).should().beFreeOfCycles().check(classes);
    }
}
