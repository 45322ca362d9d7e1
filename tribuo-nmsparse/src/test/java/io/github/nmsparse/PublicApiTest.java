package io.github.nmsparse;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The plugin's public types, pinned: a type becomes public on purpose, with its Javadoc, not because another package
 * happened to need it. (Java packages hide nothing across packages without JPMS, and ND4J 1.0.0-M2.1's module
 * descriptors require modules, such as lombok, that no runtime class path has: see the README.)
 */
class PublicApiTest {

    /** What a Tribuo user configures and reads, and what engine extensions (a method, an optimizer, a listener) build on. */
    private static final List<String> PUBLIC = List.of(
            // The N:M core: patterns, masks, validity, compressed storage.
            "core.CompressedNM", "core.NMLayout", "core.NMMask", "core.NMPattern", "core.NMValidity", "core.NMVectorProduct",
            // Training a network: the run, its listeners, its record, checkpoints, objectives.
            "engine.CheckpointPolicy", "engine.ConfigurableListener", "engine.EarlyStopping", "engine.EpochCsvLog", "engine.EpochRecord", "engine.NetworkTrainer",
            "engine.Objective", "engine.SigmoidBinaryCrossEntropy", "engine.SoftmaxCrossEntropy", "engine.SquaredError",
            "engine.TrainingData", "engine.TrainingDivergedException", "engine.TrainingListener", "engine.TrainingPlan",
            "engine.TrainingResult", "engine.TrainingRun",
            // The executor setting, and what an objective implements to run on the ops executor.
            "engine.Executor", "engine.DeviceLoss",
            // Training methods and optimizers: components, and what a new one implements.
            "engine.method.Asp", "engine.method.DecoupledSrSte", "engine.method.Dense", "engine.method.SparsityMethod",
            "engine.method.SrSte", "engine.method.Ste",
            "engine.optimizer.AdamW", "engine.optimizer.Optimizer", "engine.optimizer.Sgd", "engine.optimizer.DeviceUpdate",
            // The network: architecture, weights as a model keeps them, and what methods and optimizers drive.
            "engine.network.Activation", "engine.network.Architecture", "engine.network.BlockSnapshot", "engine.network.GraphWriter",
            "engine.network.LayerWeights", "engine.network.Nd4jRuntime", "engine.network.Network", "engine.network.NetworkSnapshot",
            "engine.network.Parameter", "engine.network.Predictor", "engine.network.Shape", "engine.network.SparseWeights",
            "engine.network.Workspace",
            // The same on the ops executor: what its methods, optimizers and objectives drive, and the one gateway to
            // array memory that they and the executor read and write through.
            "engine.network.DeviceNetwork", "engine.network.DeviceParameter", "engine.network.DeviceSparseWeights",
            "engine.network.HostMemory", "engine.network.MaskedLayer",
            // Data-parallel training: its settings, the replica a place to run them (Spark) runs, and that place's contract.
            "engine.DataParallel", "engine.Replica", "engine.ReplicaPool",
            // State carried between steps, the components that own some, and how replicas' states are averaged.
            "engine.state.NamedState", "engine.state.RunComponent", "engine.state.StateInput", "engine.state.StateOutput",
            "engine.state.TrainingState", "engine.state.StateMean",
            // The Tribuo plugin.
            "tribuo.FeatureScaling", "tribuo.LabelAdapter", "tribuo.MultiLabelAdapter", "tribuo.NMSparseModel", "tribuo.NMSparseTrainer",
            "tribuo.OutputAdapter", "tribuo.RegressorAdapter", "tribuo.Reproducer", "tribuo.SparsityProvenance");

    @Test
    void thePublicTypesAreThePinnedOnes() {
        TreeSet<String> found = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.github.nmsparse").stream()
                .filter(type -> type.getModifiers().contains(JavaModifier.PUBLIC) && type.isTopLevelClass())
                .filter(type -> !type.getPackageName().startsWith("io.github.nmsparse.tribuo.protos"))
                .map(JavaClass::getName).map(name -> name.substring("io.github.nmsparse.".length()))
                .collect(Collectors.toCollection(TreeSet::new));
        assertEquals(new TreeSet<>(PUBLIC), found, "a public type added or removed: pin it here, with its reason");
    }
}
