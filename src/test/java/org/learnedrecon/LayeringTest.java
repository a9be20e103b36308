package org.learnedrecon;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The package layering, checked on the compiled main classes (tests excluded), one way from the bottom: physics
 * (operators, noise), then solvers (the {@code Solver} interface and the classical solvers), then side by side the
 * learned networks and the acquisitions (settings -> operator, training noise, initial reconstruction), then model
 * files and model loading ({@code models}), then the reconstruction loop and training, and on top the ImageJ/SciJava
 * front ends (commands, ij1) and the benchmarks. Only the front ends, image I/O and training touch ImageJ.
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

    /**
     * The top-level packages depend on each other one way only (a cycle through any subpackage counts too). Model
     * loading (choosing, reading and running a model file) lives in {@code models}, above the networks it builds
     * ({@code learned}) and the acquisitions whose settings it compares ({@code acquisition}); the default initial
     * reconstruction, {@code ScaledAdjointReconstruction}, is a classical solver, so an acquisition needs no network.
     */
    @Test
    void noCyclesBetweenTopLevelPackages() {
        slices().matching(ROOT + ".(*)..").should().beFreeOfCycles().check(classes);
    }

    @Test
    void solversNetworksAndAcquisitionsSitBelowModelLoading() {
        noClasses().that().resideInAnyPackage(ROOT + ".solvers..", ROOT + ".learned..", ROOT + ".acquisition..")
            .should().dependOnClassesThat().resideInAnyPackage(ROOT + ".models..", ROOT + ".reconstruction..")
            .because("physics <- solvers <- learned, acquisition <- models <- reconstruction: a network or an"
                + " acquisition never loads a model")
            .check(classes);
    }
}
