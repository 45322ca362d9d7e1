package io.github.nmsparse;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * One direction of dependency: core <- engine (state <- network <- method, optimizer <- the training loop) <- Tribuo
 * layer <- experiments <- reports <- command line. The engine uses OLCUT's configuration and provenance (its methods,
 * optimizers and listeners are configurable components), and nothing else of OLCUT or Tribuo.
 */
@AnalyzeClasses(packages = "io.github.nmsparse", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    @ArchTest
    static final ArchRule coreIsPlainJava = noClasses().that().resideInAPackage("io.github.nmsparse.core..")
            .should().dependOnClassesThat().resideInAnyPackage("org.tribuo..", "org.nd4j..", "com.oracle.labs..",
                    "io.github.nmsparse.engine..", "io.github.nmsparse.tribuo..", "io.github.nmsparse.experiment..",
                    "io.github.nmsparse.report..", "io.github.nmsparse.cli..");

    @ArchTest
    static final ArchRule engineKnowsNothingOfTribuo = noClasses().that().resideInAPackage("io.github.nmsparse.engine..")
            .should().dependOnClassesThat().resideInAnyPackage("org.tribuo..",
                    "io.github.nmsparse.tribuo..", "io.github.nmsparse.experiment..", "io.github.nmsparse.report..",
                    "io.github.nmsparse.cli..");

    @ArchTest
    static final ArchRule engineUsesOnlyOlcutsConfigurationAndProvenance = noClasses().that().resideInAPackage("io.github.nmsparse.engine..")
            .should().dependOnClassesThat(resideInAPackage("com.oracle.labs..")
                    .and(not(resideInAnyPackage("com.oracle.labs.mlrg.olcut.config", "com.oracle.labs.mlrg.olcut.provenance.."))));

    @ArchTest
    static final ArchRule stateKnowsNoOtherPartOfTheEngine = noClasses().that().resideInAPackage("io.github.nmsparse.engine.state..")
            .should().dependOnClassesThat().resideInAnyPackage("io.github.nmsparse.engine.network..", "io.github.nmsparse.engine.method..",
                    "io.github.nmsparse.engine.optimizer..")
            .orShould().dependOnClassesThat().resideInAPackage("io.github.nmsparse.engine");

    @ArchTest
    static final ArchRule networkKnowsNeitherMethodsNorOptimizersNorTheLoop = noClasses().that()
            .resideInAPackage("io.github.nmsparse.engine.network..").should().dependOnClassesThat()
            .resideInAnyPackage("io.github.nmsparse.engine.method..", "io.github.nmsparse.engine.optimizer..")
            .orShould().dependOnClassesThat().resideInAPackage("io.github.nmsparse.engine");

    @ArchTest
    static final ArchRule methodsAndOptimizersKnowNotTheLoop = noClasses().that()
            .resideInAnyPackage("io.github.nmsparse.engine.method..", "io.github.nmsparse.engine.optimizer..")
            .should().dependOnClassesThat().resideInAPackage("io.github.nmsparse.engine");

    @ArchTest
    static final ArchRule noCyclesBetweenPackages = slices().matching("io.github.nmsparse.(**)").should().beFreeOfCycles();

    @ArchTest
    static final ArchRule tribuoLayerKnowsNothingOfExperimentsReportsOrTheCli = noClasses().that()
            .resideInAPackage("io.github.nmsparse.tribuo..").should().dependOnClassesThat().resideInAnyPackage(
                    "io.github.nmsparse.experiment..", "io.github.nmsparse.report..", "io.github.nmsparse.cli..");

    @ArchTest
    static final ArchRule experimentsKnowNothingOfReportsOrTheCli = noClasses().that()
            .resideInAPackage("io.github.nmsparse.experiment..").should().dependOnClassesThat().resideInAnyPackage(
                    "io.github.nmsparse.report..", "io.github.nmsparse.cli..");

    @ArchTest
    static final ArchRule reportsKnowNothingOfTheCli = noClasses().that().resideInAPackage("io.github.nmsparse.report..")
            .should().dependOnClassesThat().resideInAnyPackage("io.github.nmsparse.cli..");
}
