package io.github.nmsparse;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/**
 * One direction of dependency: core <- engine <- Tribuo layer <- experiments and reports <- command line.
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
            .should().dependOnClassesThat().resideInAnyPackage("org.tribuo..", "com.oracle.labs..",
                    "io.github.nmsparse.tribuo..", "io.github.nmsparse.experiment..", "io.github.nmsparse.report..",
                    "io.github.nmsparse.cli..");

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
