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
import io.github.nmsparse.engine.Activation;
import io.github.nmsparse.engine.ConvSpec;
import io.github.nmsparse.engine.NetworkSnapshot;
import io.github.nmsparse.tribuo.protos.ConvolutionProto;
import io.github.nmsparse.tribuo.protos.LayerProto;
import io.github.nmsparse.tribuo.protos.NMSparseModelProto;
import org.tribuo.Output;
import org.tribuo.impl.ModelDataCarrier;
import org.tribuo.protos.core.ModelDataProto;
import org.tribuo.protos.core.ModelProto;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.Deflater;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * Writes and reads {@link NMSparseModel}s in Tribuo's protobuf format. N:M layers are stored compressed (kept
 * values plus packed in-group positions). Reading checks everything before it builds anything, so a truncated,
 * corrupt or hostile file fails with a message naming the problem rather than producing a wrong model.
 */
final class ModelFormat {

    /** The version of {@link NMSparseModelProto} this code writes; it reads this version and none newer. */
    static final int CURRENT_VERSION = 0;
    /** Larger layers are refused: far beyond what this engine trains, and a guard against absurd sizes. */
    static final long MAX_LAYER_WEIGHTS = 1L << 28;
    /** Metadata that expands beyond this is refused (a guard against a compression bomb). */
    static final int MAX_METADATA_BYTES = 1 << 28;

    private ModelFormat() {
    }

    static <T extends Output<T>> ModelProto write(NMSparseModel<T> model, ModelDataCarrier<T> carrier, boolean compress) {
        NMSparseModelProto.Builder proto = NMSparseModelProto.newBuilder()
                .setMetadata(gzip(carrier.serialize().toByteString()))
                .setOutputAdapter(model.adapter().getClass().getName())
                .setActivation(model.snapshot().activation().name());
        for (float v : model.encoder().shift()) {
            proto.addFeatureShift(v);
        }
        for (float v : model.encoder().scale()) {
            proto.addFeatureScale(v);
        }
        for (NetworkSnapshot.LayerSnapshot layer : model.snapshot().layers()) {
            proto.addLayers(writeLayer(layer, compress));
        }
        proto.addAllInputShape(model.snapshot().inputShape());
        for (ConvSpec conv : model.snapshot().convolutions()) {
            proto.addConvolutions(ConvolutionProto.newBuilder().setChannels(conv.channels()).setKernel(conv.kernel())
                    .setStride(conv.stride()).setPadding(conv.padding()).setPool(conv.pool()));
        }
        return ModelProto.newBuilder().setVersion(CURRENT_VERSION).setClassName(NMSparseModel.class.getName())
                .setSerializedData(Any.pack(proto.build())).build();
    }

    private static LayerProto writeLayer(NetworkSnapshot.LayerSnapshot layer, boolean compress) {
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
        ModelDataCarrier<?> carrier = ModelDataCarrier.deserialize(ModelDataProto.parseFrom(gunzip(proto.getMetadata())));
        return build(proto, carrier);
    }

    private static <T extends Output<T>> NMSparseModel<T> build(NMSparseModelProto proto, ModelDataCarrier<T> carrier) {
        OutputAdapter<T> adapter = adapter(proto.getOutputAdapter(), carrier);
        int features = carrier.featureDomain().size();
        float[] shift = finite("feature_shift", toArray(proto.getFeatureShiftList()));
        float[] scale = finite("feature_scale", toArray(proto.getFeatureScaleList()));
        require(shift.length == features && scale.length == features, "the model has " + features
                + " features but scaling for " + shift.length + " and " + scale.length);
        Activation activation = Arrays.stream(Activation.values()).filter(a -> a.name().equals(proto.getActivation()))
                .findFirst().orElseThrow(() -> new IllegalArgumentException("unknown activation '" + proto.getActivation() + "'"));
        require(proto.getLayersCount() >= 1, "the model has no layers");
        List<NetworkSnapshot.LayerSnapshot> layers = new ArrayList<>();
        List<ConvSpec> convolutions = new ArrayList<>();
        List<Integer> shape = proto.getInputShapeList();
        int width = features;
        if (proto.getConvolutionsCount() > 0) {
            require(shape.size() == 3 && shape.stream().allMatch(d -> d >= 1 && d <= 1 << 16)
                            && (long) shape.get(0) * shape.get(1) * shape.get(2) <= MAX_LAYER_WEIGHTS,
                    "a convolutional model needs an input shape of channels, height and width, got " + shape);
            require(proto.getConvolutionsCount() < proto.getLayersCount(), "the model has " + proto.getConvolutionsCount()
                    + " convolutions but only " + proto.getLayersCount() + " layers");
            int channels = shape.get(0);
            int height = shape.get(1);
            int imageWidth = shape.get(2);
            for (int i = 0; i < proto.getConvolutionsCount(); i++) {
                ConvolutionProto c = proto.getConvolutions(i);
                require(c.getChannels() <= 1 << 16 && c.getKernel() <= 1 << 8 && c.getStride() <= 1 << 8 && c.getPool() <= 1 << 8,
                        "convolution " + i + " declares absurd sizes");
                ConvSpec conv = new ConvSpec(c.getChannels(), c.getKernel(), c.getStride(), c.getPadding(), c.getPool());
                convolutions.add(conv);
                LayerProto layer = proto.getLayers(i);
                require((long) layer.getInputs() == (long) conv.kernel() * conv.kernel() * channels && layer.getOutputs() == conv.channels(),
                        "convolution " + i + " (" + conv + " on " + channels + " channels) has a " + layer.getOutputs() + "x"
                                + layer.getInputs() + " weight matrix");
                layers.add(readLayer(i, layer));
                require(conv.outputSize(height) >= 1 && conv.outputSize(imageWidth) >= 1, "convolution " + i + " (" + conv
                        + ") does not fit its " + height + "x" + imageWidth + " input");
                height = conv.outputSize(height);
                imageWidth = conv.outputSize(imageWidth);
                channels = conv.channels();
            }
            require((long) channels * height * imageWidth <= MAX_LAYER_WEIGHTS, "the last convolution's output is too large");
            width = channels * height * imageWidth;
        } else {
            require(shape.isEmpty(), "a model without convolutions has an input shape " + shape);
        }
        for (int i = convolutions.size(); i < proto.getLayersCount(); i++) {
            LayerProto layer = proto.getLayers(i);
            require(layer.getInputs() == width, "layer " + i + " takes " + layer.getInputs() + " inputs, but "
                    + width + " reach it");
            layers.add(readLayer(i, layer));
            width = layer.getOutputs();
        }
        require(width == carrier.outputDomain().size(), "the last layer gives " + width + " outputs for an output domain of "
                + carrier.outputDomain().size());
        return new NMSparseModel<>(carrier.name(), carrier.provenance(), carrier.featureDomain(), carrier.outputDomain(),
                adapter, encoder(carrier, shift, scale, shape, convolutions), new NetworkSnapshot(layers, activation, convolutions,
                convolutions.isEmpty() ? List.of() : shape));
    }

    private static FeatureEncoder encoder(ModelDataCarrier<?> carrier, float[] shift, float[] scale, List<Integer> shape,
                                          List<ConvSpec> convolutions) {
        FeatureEncoder encoder = new FeatureEncoder(carrier.featureDomain(), shift, scale);
        return convolutions.isEmpty() ? encoder : encoder.forImage(shape.stream().mapToInt(Integer::intValue).toArray());
    }

    private static NetworkSnapshot.LayerSnapshot readLayer(int i, LayerProto layer) {
        int inputs = layer.getInputs();
        int outputs = layer.getOutputs();
        require(inputs >= 1 && outputs >= 1 && (long) inputs * outputs <= MAX_LAYER_WEIGHTS,
                "layer " + i + " declares an impossible shape " + outputs + "x" + inputs);
        float[] biases = finite("layer " + i + " biases", toArray(layer.getBiasesList()));
        require(biases.length == outputs, "layer " + i + " has " + biases.length + " biases for " + outputs + " outputs");
        NMPattern pattern = null;
        if (layer.getN() != 0 || layer.getM() != 0) {
            pattern = new NMPattern(layer.getN(), layer.getM());
        }
        if (layer.getKeptValuesCount() > 0 || layer.getPackedIndicesCount() > 0) {
            require(pattern != null, "layer " + i + " is stored compressed but has no N:M pattern");
            require(layer.getDenseWeightsCount() == 0, "layer " + i + " holds both dense and compressed weights");
            long[] packed = layer.getPackedIndicesList().stream().mapToLong(Long::longValue).toArray();
            float[] values = finite("layer " + i + " weights", toArray(layer.getKeptValuesList()));
            try {
                return NetworkSnapshot.LayerSnapshot.of(CompressedNM.fromParts(new NMLayout(outputs, inputs, pattern), values, packed), biases);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("layer " + i + ": " + e.getMessage(), e);
            }
        }
        float[] weights = toArray(layer.getDenseWeightsList());
        require(weights.length == (long) inputs * outputs, "layer " + i + " is " + outputs + "x" + inputs + " but holds "
                + weights.length + " weights");
        if (pattern != null) {
            NMValidity validity = NMValidity.check(FloatBuffer.wrap(weights), new NMLayout(outputs, inputs, pattern));
            require(validity.isValid(), "layer " + i + " claims " + pattern + " but " + validity.violatingGroups()
                    + " of its groups hold more than " + pattern.n() + " non-zeros");
        }
        return new NetworkSnapshot.LayerSnapshot(inputs, outputs, finite("layer " + i + " weights", weights), biases, pattern);
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

    private static float[] toArray(List<Float> values) {
        float[] array = new float[values.size()];
        for (int i = 0; i < array.length; i++) {
            array[i] = values.get(i);
        }
        return array;
    }

    private static float[] finite(String what, float[] values) {
        for (float v : values) {
            require(Float.isFinite(v), what + " hold a non-finite value " + v);
        }
        return values;
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException("invalid model file: " + message);
        }
    }
}
