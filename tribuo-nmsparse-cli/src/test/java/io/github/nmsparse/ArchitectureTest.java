package io.github.nmsparse;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaMethodCall;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * One direction of dependency: core <- engine (state <- network <- method, optimizer <- the training loop) <- Tribuo
 * layer <- Spark <- experiments <- reports <- command line. Only the Spark package touches Spark. The engine uses OLCUT's configuration and provenance (its methods,
 * optimizers and listeners are configurable components), and nothing else of OLCUT or Tribuo.
 */
@AnalyzeClasses(packages = "io.github.nmsparse", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    @ArchTest
    static final ArchRule coreIsPlainJava = noClasses().that().resideInAPackage("io.github.nmsparse.core..")
            .should().dependOnClassesThat().resideInAnyPackage("org.tribuo..", "org.nd4j..", "com.oracle.labs..",
                    "io.github.nmsparse.engine..", "io.github.nmsparse.tribuo..", "io.github.nmsparse.spark..",
                    "io.github.nmsparse.experiment..", "io.github.nmsparse.report..", "io.github.nmsparse.cli..");

    @ArchTest
    static final ArchRule engineKnowsNothingOfTribuo = noClasses().that().resideInAPackage("io.github.nmsparse.engine..")
            .should().dependOnClassesThat().resideInAnyPackage("org.tribuo..",
                    "io.github.nmsparse.tribuo..", "io.github.nmsparse.spark..", "io.github.nmsparse.experiment..",
                    "io.github.nmsparse.report..", "io.github.nmsparse.cli..");

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
    static final ArchRule tribuoLayerKnowsNothingOfSparkExperimentsReportsOrTheCli = noClasses().that()
            .resideInAPackage("io.github.nmsparse.tribuo..").should().dependOnClassesThat().resideInAnyPackage(
                    "io.github.nmsparse.spark..", "io.github.nmsparse.experiment..", "io.github.nmsparse.report..",
                    "io.github.nmsparse.cli..");

    @ArchTest
    static final ArchRule sparkLayerKnowsNothingOfExperimentsReportsOrTheCli = noClasses().that()
            .resideInAPackage("io.github.nmsparse.spark..").should().dependOnClassesThat().resideInAnyPackage(
                    "io.github.nmsparse.experiment..", "io.github.nmsparse.report..", "io.github.nmsparse.cli..");

    @ArchTest
    static final ArchRule onlyTheSparkLayerTouchesSpark = noClasses().that().resideOutsideOfPackage("io.github.nmsparse.spark..")
            .should().dependOnClassesThat().resideInAPackage("org.apache.spark..")
            .because("Spark is a provided dependency, present only under spark-submit or -Pspark: the rest runs without it");

    @ArchTest
    static final ArchRule experimentsKnowNothingOfReportsOrTheCli = noClasses().that()
            .resideInAPackage("io.github.nmsparse.experiment..").should().dependOnClassesThat().resideInAnyPackage(
                    "io.github.nmsparse.report..", "io.github.nmsparse.cli..");

    @ArchTest
    static final ArchRule reportsKnowNothingOfTheCli = noClasses().that().resideInAPackage("io.github.nmsparse.report..")
            .should().dependOnClassesThat().resideInAnyPackage("io.github.nmsparse.cli..");

    /**
     * Reading or writing an ND4J array's memory from Java: any value access of a DataBuffer (its NIO views and element
     * accessors), an INDArray's element getters and setters and conversions to Java arrays, and making an array from
     * Java values. On a device backend each needs a sync or a tag, which only the gateway does.
     */
    private static final DescribedPredicate<JavaMethodCall> ARRAY_MEMORY_ACCESS = new DescribedPredicate<>(
            "read or write an ND4J array's memory from Java") {
        @Override
        public boolean test(JavaMethodCall call) {
            String name = call.getName();
            JavaClass owner = call.getTargetOwner();
            if (owner.isAssignableTo(DataBuffer.class)) {
                // Values, and the raw host address (null on CUDA until a host copy exists).
                return name.matches("as.*|get(Float|Double|Int|Long|Number|Short|Byte).*|put.*|setData|assign|dup|address.*|pointer.*");
            }
            if (owner.isAssignableTo(INDArray.class)) {
                return name.matches("get(Float|Double|Int|Long|Number)|putScalar|putRow|putColumn|to(Float|Double|Int|Long)(Vector|Matrix)");
            }
            if (owner.isEquivalentTo(Nd4j.class)) {
                List<JavaClass> parameters = call.getTarget().getRawParameterTypes();
                // Values, not shapes: shapes come as int[] or long[].
                return name.matches("createFromArray|scalar|valueArrayOf") || (name.equals("create") && !parameters.isEmpty()
                        && parameters.get(0).getName().matches("\\[+[FDZBS]"));
            }
            return false;
        }
    };

    @ArchTest
    static final ArchRule onlyTheGatewayTouchesArrayMemory = noClasses().that()
            .doNotHaveFullyQualifiedName("io.github.nmsparse.engine.network.HostMemory")
            .should().callMethodWhere(ARRAY_MEMORY_ACCESS)
            .because("on a device backend a host read needs a sync and a host write a tag, and HostMemory is the one place that does both");

    @ArchTest
    static final ArchRule liveViewsServeTheFusedExecutorAndHostStateOnly = noClasses().that()
            .doNotHaveFullyQualifiedName("io.github.nmsparse.engine.network.Tensor")
            .and().doNotHaveFullyQualifiedName("io.github.nmsparse.engine.network.Layer")
            .and().doNotHaveFullyQualifiedName("io.github.nmsparse.engine.network.Workspace")
            .and().doNotHaveFullyQualifiedName("io.github.nmsparse.engine.network.HostMemory")
            .should().callMethod("io.github.nmsparse.engine.network.HostMemory", "liveView", "org.nd4j.linalg.api.ndarray.INDArray")
            .because("a live view sees an array's memory only where Java and ND4J share it; the ops executor never uses one");
}
