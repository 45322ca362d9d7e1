package io.github.nmsparse.tribuo;

import com.oracle.labs.mlrg.olcut.config.protobuf.protos.RootProvenanceProto;
import com.oracle.labs.mlrg.olcut.config.protobuf.protos.SimpleProvenanceProto;
import io.github.nmsparse.engine.network.Activation;
import io.github.nmsparse.engine.network.BlockSnapshot;
import io.github.nmsparse.engine.network.NetworkSnapshot;
import io.github.nmsparse.engine.network.Shape;
import io.github.nmsparse.tribuo.protos.ConvolutionProto;
import io.github.nmsparse.tribuo.protos.LayerProto;
import io.github.nmsparse.tribuo.protos.NMSparseModelProto;
import org.tribuo.protos.core.ModelDataProto;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static io.github.nmsparse.tribuo.ModelFormat.readLayer;
import static io.github.nmsparse.tribuo.ModelFormat.require;

/**
 * Reads what version 0 model files hold differently. The network: each convolution stage as {@code conv}, the
 * activation and {@code maxpool} (batch normalization was folded into the convolution when the file was written),
 * then {@code flatten} and the fully connected layers, each hidden one followed by the activation. The provenance:
 * its trainer settings named enums that are gone (the training method and optimizer, now components) or moved (the
 * activation); they are read as the strings they were, so the model loads and predicts as it did. Such a model cannot
 * be reproduced from its provenance by this version, whose trainer takes method and optimizer components.
 */
final class LegacyModelFile {

    /** Enums the version 0 trainer provenance names, and where each is now (empty when it is gone). */
    private static final Map<String, String> ENUMS = Map.of(
            "io.github.nmsparse.engine.Activation", Activation.class.getName(),
            "io.github.nmsparse.engine.TrainingMethod", "",
            "io.github.nmsparse.tribuo.NMSparseTrainer$OptimizerType", "");
    private static final String ENUM_PROVENANCE = "com.oracle.labs.mlrg.olcut.provenance.primitives.EnumProvenance";
    private static final String STRING_PROVENANCE = "com.oracle.labs.mlrg.olcut.provenance.primitives.StringProvenance";

    private LegacyModelFile() {
    }

    /** @return the metadata with its provenance's enum values renamed or, for enums that are gone, made plain strings */
    static ModelDataProto upgradeProvenance(ModelDataProto metadata) {
        RootProvenanceProto.Builder provenance = metadata.getProvenance().toBuilder();
        for (int i = 0; i < provenance.getSmpCount(); i++) {
            SimpleProvenanceProto value = provenance.getSmp(i);
            String now = ENUMS.get(value.getAdditional());
            if (value.getProvenanceClassName().equals(ENUM_PROVENANCE) && now != null) {
                provenance.setSmp(i, now.isEmpty()
                        ? value.toBuilder().setProvenanceClassName(STRING_PROVENANCE).clearAdditional().build()
                        : value.toBuilder().setAdditional(now).build());
            }
        }
        return metadata.toBuilder().setProvenance(provenance).build();
    }

    /** @return the network of a version 0 file, as blocks */
    static NetworkSnapshot network(NMSparseModelProto proto, int features) {
        Activation activation = Arrays.stream(Activation.values()).filter(a -> a.name().equals(proto.getActivation()))
                .findFirst().orElseThrow(() -> new IllegalArgumentException("invalid model file: unknown activation '" + proto.getActivation() + "'"));
        String activationBlock = activation.name().toLowerCase(Locale.ROOT);
        require(proto.getLayersCount() >= 1, "the model has no layers");
        List<BlockSnapshot> blocks = new ArrayList<>();
        List<Integer> shape = proto.getInputShapeList();
        Shape input = Shape.vector(features);
        int convolutions = proto.getConvolutionsCount();
        if (convolutions > 0) {
            require(shape.size() == 3 && shape.stream().allMatch(d -> d >= 1 && d <= 1 << 16)
                            && (long) shape.get(0) * shape.get(1) * shape.get(2) <= ModelFormat.MAX_LAYER_WEIGHTS,
                    "a convolutional model needs an input shape of channels, height and width, got " + shape);
            require(convolutions < proto.getLayersCount(), "the model has " + convolutions + " convolutions but only "
                    + proto.getLayersCount() + " layers");
            input = new Shape(shape.get(0), shape.get(1), shape.get(2));
            for (int i = 0; i < convolutions; i++) {
                ConvolutionProto c = proto.getConvolutions(i);
                require(c.getChannels() <= 1 << 16 && c.getKernel() <= 1 << 8 && c.getStride() <= 1 << 8 && c.getPool() <= 1 << 8,
                        "convolution " + i + " declares absurd sizes");
                String conv = "conv " + c.getChannels() + "x" + c.getKernel() + (c.getStride() == 1 ? "" : "s" + c.getStride())
                        + (c.getPadding() == 0 ? "" : "p" + c.getPadding());
                blocks.add(new BlockSnapshot(conv, readLayer("layer " + i, proto.getLayers(i)), Map.of(), List.of()));
                blocks.add(new BlockSnapshot(activationBlock, null, Map.of(), List.of()));
                if (c.getPool() > 1) {
                    blocks.add(new BlockSnapshot("maxpool " + c.getPool(), null, Map.of(), List.of()));
                }
            }
            blocks.add(new BlockSnapshot("flatten", null, Map.of(), List.of()));
        } else {
            require(shape.isEmpty(), "a model without convolutions has an input shape " + shape);
        }
        for (int i = convolutions; i < proto.getLayersCount(); i++) {
            LayerProto layer = proto.getLayers(i);
            blocks.add(new BlockSnapshot("dense " + layer.getOutputs(), readLayer("layer " + i, layer), Map.of(), List.of()));
            if (i < proto.getLayersCount() - 1) {
                blocks.add(new BlockSnapshot(activationBlock, null, Map.of(), List.of()));
            }
        }
        return new NetworkSnapshot(input, blocks);
    }
}
