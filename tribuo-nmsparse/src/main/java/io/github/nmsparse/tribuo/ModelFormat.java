package io.github.nmsparse.tribuo;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.oracle.labs.mlrg.olcut.provenance.ConfiguredObjectProvenance;
import com.oracle.labs.mlrg.olcut.provenance.Provenance;
import io.github.nmsparse.core.CompressedNM;
import io.github.nmsparse.core.NMLayout;
import io.github.nmsparse.core.NMPattern;
import io.github.nmsparse.core.NMValidity;
import io.github.nmsparse.engine.network.BlockSnapshot;
import io.github.nmsparse.engine.network.LayerWeights;
import io.github.nmsparse.engine.network.NetworkSnapshot;
import io.github.nmsparse.engine.network.Shape;
import io.github.nmsparse.tribuo.protos.BlockProto;
import io.github.nmsparse.tribuo.protos.LayerProto;
import io.github.nmsparse.tribuo.protos.NMSparseModelProto;
import io.github.nmsparse.tribuo.protos.NamedValues;
import org.tribuo.Output;
import org.tribuo.impl.ModelDataCarrier;
import org.tribuo.protos.core.ModelDataProto;
import org.tribuo.protos.core.ModelProto;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.Deflater;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * Writes and reads {@link NMSparseModel}s in Tribuo's protobuf format. The network is stored as its tree of blocks,
 * each with its text and values; N:M layers are stored compressed (kept values plus packed in-group positions).
 * Reading checks everything before it builds anything, so a truncated, corrupt or hostile file fails with a message
 * naming the problem rather than producing a wrong model. Files of version 0 (layers, then convolution stages) are
 * read too, as the blocks they stand for.
 */
final class ModelFormat {

    /** The version of {@link NMSparseModelProto} this code writes; it reads this version and the ones before. */
    static final int CURRENT_VERSION = 1;
    /** Larger layers are refused: far beyond what this engine trains, and a guard against absurd sizes. */
    static final long MAX_LAYER_WEIGHTS = 1L << 28;
    /** Metadata that expands beyond this is refused (a guard against a compression bomb). */
    static final int MAX_METADATA_BYTES = 1 << 28;

    private ModelFormat() {
    }

    static <T extends Output<T>> ModelProto write(NMSparseModel<T> model, ModelDataCarrier<T> carrier, boolean compress) {
        NetworkSnapshot snapshot = model.snapshot();
        NMSparseModelProto.Builder proto = NMSparseModelProto.newBuilder()
                .setMetadata(gzip(carrier.serialize().toByteString()))
                .setOutputAdapter(model.adapter().getClass().getName());
        for (float v : model.encoder().shift()) {
            proto.addFeatureShift(v);
        }
        for (float v : model.encoder().scale()) {
            proto.addFeatureScale(v);
        }
        Shape input = snapshot.input();
        proto.addInputShape(input.channels()).addInputShape(input.height()).addInputShape(input.width());
        for (BlockSnapshot block : snapshot.blocks()) {
            proto.addBlocks(writeBlock(block, compress));
        }
        return ModelProto.newBuilder().setVersion(CURRENT_VERSION).setClassName(NMSparseModel.class.getName())
                .setSerializedData(Any.pack(proto.build())).build();
    }

    private static BlockProto writeBlock(BlockSnapshot block, boolean compress) {
        BlockProto.Builder proto = BlockProto.newBuilder().setSpec(block.spec());
        if (block.weights() != null) {
            proto.setLayer(writeLayer(block.weights(), compress));
        }
        for (String name : block.vectorNames()) {
            NamedValues.Builder values = NamedValues.newBuilder().setName(name);
            for (float v : block.vector(name)) {
                values.addValues(v);
            }
            proto.addValues(values);
        }
        for (BlockSnapshot child : block.children()) {
            proto.addChildren(writeBlock(child, compress));
        }
        return proto.build();
    }

    private static LayerProto writeLayer(LayerWeights layer, boolean compress) {
        LayerProto.Builder proto = LayerProto.newBuilder().setInputs(layer.inputs()).setOutputs(layer.outputs());
        for (float b : layer.biases()) {
            proto.addBiases(b);
        }
        if (layer.sparse()) {
            proto.setN(layer.pattern().n()).setM(layer.pattern().m());
        }
        if (layer.sparse() && compress) {
            CompressedNM compressed = layer.compressed();
            for (float v : compressed.values()) {
                proto.addKeptValues(v);
            }
            for (long word : compressed.packedIndices()) {
                proto.addPackedIndices(word);
            }
        } else {
            for (float w : layer.weights()) {
                proto.addDenseWeights(w);
            }
        }
        return proto.build();
    }

    /**
     * Reads a model, checking it on the way.
     *
     * @throws InvalidProtocolBufferException when the bytes are not a model of this class
     * @throws IllegalArgumentException       naming the first inconsistency found
     */
    static NMSparseModel<?> read(int version, String className, Any message) throws InvalidProtocolBufferException {
        if (version < 0 || version > CURRENT_VERSION) {
            throw new IllegalArgumentException("model file version " + version + " is not supported: this tribuo-nmsparse reads versions 0 to "
                    + CURRENT_VERSION + " (a newer release wrote it?)");
        }
        if (!NMSparseModel.class.getName().equals(className)) {
            throw new IllegalArgumentException("model class " + className + " is not " + NMSparseModel.class.getName());
        }
        NMSparseModelProto proto = message.unpack(NMSparseModelProto.class);
        ModelDataProto metadata = ModelDataProto.parseFrom(gunzip(proto.getMetadata()));
        ModelDataCarrier<?> carrier = ModelDataCarrier.deserialize(version == 0 ? LegacyModelFile.upgradeProvenance(metadata) : metadata);
        return build(proto, carrier, version);
    }

    private static <T extends Output<T>> NMSparseModel<T> build(NMSparseModelProto proto, ModelDataCarrier<T> carrier, int version) {
        OutputAdapter<T> adapter = adapter(proto.getOutputAdapter(), carrier);
        int features = carrier.featureDomain().size();
        float[] shift = finite("feature_shift", toArray(proto.getFeatureShiftList()));
        float[] scale = finite("feature_scale", toArray(proto.getFeatureScaleList()));
        require(shift.length == features && scale.length == features, "the model has " + features
                + " features but scaling for " + shift.length + " and " + scale.length);
        NetworkSnapshot snapshot;
        try {
            snapshot = version == 0 ? LegacyModelFile.network(proto, features) : readNetwork(proto);
        } catch (IllegalArgumentException e) {
            throw e.getMessage().startsWith("invalid model file") ? e : new IllegalArgumentException("invalid model file: " + e.getMessage(), e);
        }
        Shape input = snapshot.input();
        require(input.isVector() ? input.size() == features : features <= input.size(), "the network takes " + input
                + " inputs but the model has " + features + " features");
        require(snapshot.output().size() == carrier.outputDomain().size(), "the network gives " + snapshot.output().size()
                + " outputs for an output domain of " + carrier.outputDomain().size());
        FeatureEncoder encoder = new FeatureEncoder(carrier.featureDomain(), shift, scale);
        if (!input.isVector()) {
            encoder = encoder.forImage(new int[] {input.channels(), input.height(), input.width()});
        }
        return new NMSparseModel<>(carrier.name(), carrier.provenance(), carrier.featureDomain(), carrier.outputDomain(),
                adapter, encoder, snapshot);
    }

    private static NetworkSnapshot readNetwork(NMSparseModelProto proto) {
        List<Integer> shape = proto.getInputShapeList();
        require(shape.size() == 3 && shape.stream().allMatch(d -> d >= 1 && d <= 1 << 24)
                && (long) shape.get(0) * shape.get(1) * shape.get(2) <= MAX_LAYER_WEIGHTS,
                "the network's input shape must be channels, height and width, got " + shape);
        require(proto.getBlocksCount() >= 1, "the model has no blocks");
        int[] budget = {MAX_BLOCKS};
        List<BlockSnapshot> blocks = new ArrayList<>();
        for (int i = 0; i < proto.getBlocksCount(); i++) {
            blocks.add(readBlock("block " + (i + 1), proto.getBlocks(i), budget));
        }
        return new NetworkSnapshot(new Shape(shape.get(0), shape.get(1), shape.get(2)), blocks);
    }

    /** More blocks than any network here has: a guard against a hostile file. */
    private static final int MAX_BLOCKS = 1 << 12;

    private static BlockSnapshot readBlock(String where, BlockProto block, int[] budget) {
        require(--budget[0] >= 0, "the model has more than " + MAX_BLOCKS + " blocks");
        String what = where + " ('" + block.getSpec() + "')";
        LayerWeights weights = block.hasLayer() ? readLayer(what, block.getLayer()) : null;
        Map<String, float[]> values = new LinkedHashMap<>();
        for (NamedValues named : block.getValuesList()) {
            require(values.put(named.getName(), finite(what + " values " + named.getName(), toArray(named.getValuesList()))) == null,
                    what + " holds the values '" + named.getName() + "' twice");
        }
        List<BlockSnapshot> children = new ArrayList<>();
        for (int i = 0; i < block.getChildrenCount(); i++) {
            children.add(readBlock(where + "." + (i + 1), block.getChildren(i), budget));
        }
        return new BlockSnapshot(block.getSpec().isBlank() ? "?" : block.getSpec(), weights, values, children);
    }

    /** @return a layer's weights from the file, checked: shape, counts, compressed parts, N:M, finite values */
    static LayerWeights readLayer(String what, LayerProto layer) {
        int inputs = layer.getInputs();
        int outputs = layer.getOutputs();
        require(inputs >= 1 && outputs >= 1 && (long) inputs * outputs <= MAX_LAYER_WEIGHTS,
                what + " declares an impossible shape " + outputs + "x" + inputs);
        float[] biases = finite(what + " biases", toArray(layer.getBiasesList()));
        require(biases.length == outputs, what + " has " + biases.length + " biases for " + outputs + " outputs");
        NMPattern pattern = null;
        if (layer.getN() != 0 || layer.getM() != 0) {
            pattern = new NMPattern(layer.getN(), layer.getM());
        }
        if (layer.getKeptValuesCount() > 0 || layer.getPackedIndicesCount() > 0) {
            require(pattern != null, what + " is stored compressed but has no N:M pattern");
            require(layer.getDenseWeightsCount() == 0, what + " holds both dense and compressed weights");
            long[] packed = layer.getPackedIndicesList().stream().mapToLong(Long::longValue).toArray();
            float[] values = finite(what + " weights", toArray(layer.getKeptValuesList()));
            try {
                return LayerWeights.of(CompressedNM.fromParts(new NMLayout(outputs, inputs, pattern), values, packed), biases);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("invalid model file: " + what + ": " + e.getMessage(), e);
            }
        }
        float[] weights = toArray(layer.getDenseWeightsList());
        require(weights.length == (long) inputs * outputs, what + " is " + outputs + "x" + inputs + " but holds "
                + weights.length + " weights");
        if (pattern != null) {
            NMValidity validity = NMValidity.check(FloatBuffer.wrap(weights), new NMLayout(outputs, inputs, pattern));
            require(validity.isValid(), what + " claims " + pattern + " but " + validity.violatingGroups()
                    + " of its groups hold more than " + pattern.n() + " non-zeros");
        }
        return new LayerWeights(inputs, outputs, finite(what + " weights", weights), biases, pattern);
    }

    /**
     * Rebuilds the output adapter with its settings from the trainer provenance the model carries, after checking
     * that the class named in the file is an adapter; an adapter without provenance gets its defaults.
     */
    @SuppressWarnings("unchecked")
    private static <T extends Output<T>> OutputAdapter<T> adapter(String className, ModelDataCarrier<T> carrier) {
        Class<?> type;
        try {
            type = Class.forName(className, false, ModelFormat.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalArgumentException("invalid model file: unknown output adapter class '" + className + "'", e);
        }
        require(OutputAdapter.class.isAssignableFrom(type), "'" + className + "' is not an OutputAdapter");
        OutputAdapter<T> adapter;
        Provenance configured = carrier.provenance().getTrainerProvenance().getConfiguredParameters().get("outputAdapter");
        try {
            if (configured instanceof ConfiguredObjectProvenance settings && settings.getClassName().equals(className)) {
                adapter = (OutputAdapter<T>) Reproducer.lookupRoot(settings, "output adapter");
            } else {
                adapter = (OutputAdapter<T>) type.getDeclaredConstructor().newInstance();
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalArgumentException("invalid model file: cannot create output adapter '" + className + "': " + e.getMessage(), e);
        }
        Output<?> unknown = adapter.outputFactory().getUnknownOutput();
        boolean matches = carrier.outputDomain().getDomain().stream().allMatch(o -> unknown.getClass().isInstance(o));
        require(matches, "output adapter " + className + " does not fit the model's outputs");
        return adapter;
    }

    private static ByteString gzip(ByteString bytes) {
        ByteString.Output out = ByteString.newOutput();
        try (GZIPOutputStream gzip = new GZIPOutputStream(out) {
            {
                // Written once, read rarely: the smallest file is worth the extra milliseconds.
                def.setLevel(Deflater.BEST_COMPRESSION);
            }
        }) {
            bytes.writeTo(gzip);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteString();
    }

    private static byte[] gunzip(ByteString bytes) throws InvalidProtocolBufferException {
        try (InputStream in = new GZIPInputStream(bytes.newInput())) {
            byte[] data = in.readNBytes(MAX_METADATA_BYTES + 1);
            require(data.length <= MAX_METADATA_BYTES, "the metadata expands beyond " + MAX_METADATA_BYTES + " bytes");
            return data;
        } catch (IOException e) {
            throw new InvalidProtocolBufferException("invalid model file: the metadata is not valid gzip data: " + e.getMessage());
        }
    }

    static float[] toArray(List<Float> values) {
        float[] array = new float[values.size()];
        for (int i = 0; i < array.length; i++) {
            array[i] = values.get(i);
        }
        return array;
    }

    static float[] finite(String what, float[] values) {
        for (float v : values) {
            require(Float.isFinite(v), what + " hold a non-finite value " + v);
        }
        return values;
    }

    static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException("invalid model file: " + message);
        }
    }
}
