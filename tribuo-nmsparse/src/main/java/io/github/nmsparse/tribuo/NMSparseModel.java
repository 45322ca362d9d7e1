package io.github.nmsparse.tribuo;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.oracle.labs.mlrg.olcut.util.Pair;
import io.github.nmsparse.engine.EpochRecord;
import io.github.nmsparse.engine.network.LayerWeights;
import io.github.nmsparse.engine.network.Network;
import io.github.nmsparse.engine.network.NetworkSnapshot;
import io.github.nmsparse.engine.network.Predictor;
import org.tribuo.Example;
import org.tribuo.Excuse;
import org.tribuo.ImmutableFeatureMap;
import org.tribuo.ImmutableOutputInfo;
import org.tribuo.Model;
import org.tribuo.ONNXExportable;
import org.tribuo.Output;
import org.tribuo.Prediction;
import org.tribuo.protos.core.ModelProto;
import org.tribuo.provenance.ModelProvenance;
import org.tribuo.util.onnx.ONNXContext;
import org.tribuo.util.onnx.ONNXNode;
import org.tribuo.util.onnx.ONNXPlaceholder;
import org.tribuo.util.onnx.ONNXRef;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.io.ObjectStreamException;
import java.io.Serializable;
import java.lang.ref.SoftReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A trained N:M-sparse network. It predicts from Tribuo's sparse feature vectors, ignoring features it does not
 * know, and predicts batches through the engine rather than one example at a time.
 *
 * @param <T> the output type
 */
public final class NMSparseModel<T extends Output<T>> extends Model<T> implements ONNXExportable {

    /** Examples predicted in one call of the dense network, at most (fewer where its buffers would pass 64 MB). */
    private static final int PREDICTION_BLOCK = 4096;
    /** Blocks up to this size run on the N:M kernel in Java; larger ones on ND4J's GEMMs. */
    private static final int SPARSE_KERNEL_ROWS = 4;
    /** The buffers of one prediction block stay within this many floats (64 MB). */
    private static final long BLOCK_BUFFER_FLOATS = 1L << 24;

    private final OutputAdapter<T> adapter;
    private final FeatureEncoder encoder;
    private final NetworkSnapshot snapshot;
    /** The N:M kernel of a multi-layer perceptron; null for a network of other blocks. */
    private final Predictor sparseKernel;
    /** The dense form of a network the kernel does not run, built at the first prediction. */
    private transient Network denseNetwork;
    /**
     * The dense form of a multi-layer perceptron, for batches larger than the kernel takes: built at the first such
     * batch and kept softly, so that later batches run as fast as a dense network kept in memory while the JVM may
     * still free it (the model itself holds only the compressed layers) and build it again when next needed.
     */
    private transient SoftReference<Network> denseForBatches;

    NMSparseModel(String name, ModelProvenance provenance, ImmutableFeatureMap featureIDMap,
                  ImmutableOutputInfo<T> outputIDInfo, OutputAdapter<T> adapter, FeatureEncoder encoder,
                  NetworkSnapshot snapshot) {
        super(name, provenance, featureIDMap, outputIDInfo, adapter.generatesProbabilities());
        this.adapter = adapter;
        this.encoder = encoder;
        this.snapshot = snapshot;
        this.sparseKernel = snapshot.sparseKernel().orElse(null);
    }

    @Override
    public Prediction<T> predict(Example<T> example) {
        return predictBlock(List.of(example), 0, sparseKernel == null ? denseNetwork() : null).get(0);
    }

    private synchronized Network denseNetwork() {
        if (denseNetwork == null) {
            denseNetwork = snapshot.toNetwork();
        }
        return denseNetwork;
    }

    private synchronized Network denseForBatches() {
        Network dense = denseForBatches == null ? null : denseForBatches.get();
        if (dense == null) {
            dense = snapshot.toNetwork();
            denseForBatches = new SoftReference<>(dense);
        }
        return dense;
    }

    /**
     * Predicts up to {@value #SPARSE_KERNEL_ROWS} examples of a multi-layer perceptron with the N:M kernel and
     * larger batches with its dense form, kept softly between calls. A network of other blocks (convolutions,
     * residual blocks) always runs dense on ND4J, with its dense form kept after the first prediction.
     */
    @Override
    protected List<Prediction<T>> innerPredict(Iterable<Example<T>> examples) {
        List<Example<T>> all = new ArrayList<>();
        examples.forEach(all::add);
        Network dense = sparseKernel == null ? denseNetwork() : all.size() > SPARSE_KERNEL_ROWS ? denseForBatches() : null;
        // A convolution's patches take kernel^2 x channels floats per position: blocks stay within 64 MB of buffers.
        int blockRows = dense == null ? PREDICTION_BLOCK : Math.min(PREDICTION_BLOCK, dense.rowsWithin(BLOCK_BUFFER_FLOATS));
        List<Prediction<T>> predictions = new ArrayList<>(all.size());
        for (int first = 0; first < all.size(); first += blockRows) {
            List<Example<T>> block = all.subList(first, Math.min(all.size(), first + blockRows));
            predictions.addAll(predictBlock(block, first, block.size() > SPARSE_KERNEL_ROWS || sparseKernel == null ? dense : null));
        }
        return predictions;
    }

    private List<Prediction<T>> predictBlock(List<Example<T>> block, int first, Network dense) {
        int inputs = encoder.width();
        int rows = block.size();
        float[] features = new float[rows * inputs];
        int[] used = new int[rows];
        for (int r = 0; r < rows; r++) {
            used[r] = encoder.encode(block.get(r), first + r, features, r * inputs);
            if (used[r] == 0) {
                throw new IllegalArgumentException("example " + (first + r) + " has none of the model's " + featureIDMap.size()
                        + " features, so it cannot be predicted");
            }
        }
        float[] outputs = dense == null ? sparseKernel.predict(features, rows) : dense.predict(features, rows);
        int width = outputIDInfo.size();
        adapter.objective().transform(outputs, rows, width);
        List<Prediction<T>> predictions = new ArrayList<>(rows);
        for (int r = 0; r < rows; r++) {
            predictions.add(adapter.decode(outputs, r * width, outputIDInfo, used[r], block.get(r)));
        }
        return predictions;
    }

    /**
     * Ranks input features by the L2 norm of their first-layer weights, the share of the network they feed; a
     * network on images gives an empty map, since its first weights are shared by every pixel.
     *
     * @param n how many to return; a negative number returns all
     * @return the ranking under {@link Model#ALL_OUTPUTS}
     */
    @Override
    public Map<String, List<Pair<String, Double>>> getTopFeatures(int n) {
        if (!snapshot.input().isVector() || snapshot.blocks().get(0).weights() == null) {
            // A convolution shares its weights over all pixels: no weight belongs to one feature.
            return Map.of();
        }
        LayerWeights first = snapshot.layers().get(0);
        float[] weights = first.weights();
        List<Pair<String, Double>> ranking = new ArrayList<>();
        for (int id = 0; id < first.inputs(); id++) {
            double sum = 0;
            for (int out = 0; out < first.outputs(); out++) {
                float w = weights[out * first.inputs() + id];
                sum += w * w;
            }
            ranking.add(new Pair<>(featureIDMap.get(id).getName(), Math.sqrt(sum)));
        }
        ranking.sort(Comparator.comparing((Pair<String, Double> p) -> p.getB()).reversed());
        int count = n < 0 ? ranking.size() : Math.min(n, ranking.size());
        return Map.of(ALL_OUTPUTS, List.copyOf(ranking.subList(0, count)));
    }

    /** Neural networks give no per-example excuse here. */
    @Override
    public Optional<Excuse<T>> getExcuse(Example<T> example) {
        return Optional.empty();
    }

    @Override
    protected NMSparseModel<T> copy(String newName, ModelProvenance newProvenance) {
        return new NMSparseModel<>(newName, newProvenance, featureIDMap, outputIDInfo, adapter, encoder, snapshot);
    }

    @Override
    public ModelProto serialize() {
        return ModelFormat.write(this, createDataCarrier(), true);
    }

    /**
     * @return the model in the same format with every layer stored dense, to measure what compression saves
     */
    public ModelProto serializeDense() {
        return ModelFormat.write(this, createDataCarrier(), false);
    }

    /**
     * Reads a model written by {@link #serialize()}; Tribuo's {@code Model.deserialize} calls this.
     *
     * @param version   the format version in the file
     * @param className the class name in the file
     * @param message   the serialized model
     * @return the model
     * @throws InvalidProtocolBufferException when the message is not a model of this class
     * @throws IllegalArgumentException       when the file is inconsistent, naming what is wrong
     */
    public static NMSparseModel<?> deserializeFromProto(int version, String className, Any message)
            throws InvalidProtocolBufferException {
        return ModelFormat.read(version, className, message);
    }

    /**
     * Loads a model file written by {@link #serialize()} (or {@code serializeToFile}). Unlike Tribuo's generic
     * {@code Model.deserializeFromFile}, a bad file's error names the problem directly rather than as a cause.
     *
     * @param file the model file
     * @return the model
     * @throws IOException              when the file cannot be read or is not a complete protobuf model
     * @throws IllegalArgumentException when the file is not a model of this plugin, or is inconsistent
     */
    public static NMSparseModel<?> load(Path file) throws IOException {
        ModelProto proto;
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
            proto = ModelProto.parseFrom(in);
        } catch (InvalidProtocolBufferException e) {
            throw new IOException("invalid model file " + file + ": it is truncated or not a protobuf model (" + e.getMessage() + ")", e);
        }
        return deserializeFromProto(proto.getVersion(), proto.getClassName(), proto.getSerializedData());
    }

    /**
     * Exports the model as ONNX: input "input" [batch, features] (features by Tribuo id, absent ones 0), output
     * "output" [batch, outputs] (probabilities for classification), with the provenance embedded.
     */
    @Override
    public OnnxMl.ModelProto exportONNXModel(String domain, long modelVersion) {
        ONNXContext onnx = new ONNXContext();
        onnx.setName("NMSparse-Network");
        ONNXPlaceholder input = onnx.floatInput("input", featureIDMap.size());
        ONNXPlaceholder output = onnx.floatOutput("output", outputIDInfo.size());
        writeONNXGraph(input).assignTo(output);
        return ONNXExportable.buildModel(onnx, domain, modelVersion, this);
    }

    @Override
    public ONNXNode writeONNXGraph(ONNXRef<?> input) {
        return adapter.onnxOutput(OnnxGraph.write(input, encoder, snapshot), outputIDInfo);
    }

    OutputAdapter<T> adapter() {
        return adapter;
    }

    FeatureEncoder encoder() {
        return encoder;
    }

    /** @return the network's prediction weights, block by block (immutable) */
    public NetworkSnapshot snapshot() {
        return snapshot;
    }

    /**
     * Java serialization writes the model's protobuf form instead of its fields (the serialization proxy pattern):
     * one format, one set of checks on reading, and no engine or adapter class needs to be serializable.
     *
     * @return the proxy that Java serialization writes in this model's place
     */
    private Object writeReplace() {
        return new SerializedForm(serialize().toByteArray());
    }

    /** A stream that holds this class's fields rather than its proxy was not written by this class: refuse it. */
    private void readObject(ObjectInputStream in) throws InvalidObjectException {
        throw new InvalidObjectException("an NMSparseModel is read through its serialized protobuf form only");
    }

    /** What Java serialization stores for a model: its protobuf bytes, checked and rebuilt on reading. */
    private static final class SerializedForm implements Serializable {
        private static final long serialVersionUID = 1L;
        private final byte[] protobuf;

        SerializedForm(byte[] protobuf) {
            this.protobuf = protobuf;
        }

        private Object readResolve() throws ObjectStreamException {
            try {
                ModelProto proto = ModelProto.parseFrom(protobuf);
                return deserializeFromProto(proto.getVersion(), proto.getClassName(), proto.getSerializedData());
            } catch (InvalidProtocolBufferException | IllegalArgumentException e) {
                InvalidObjectException invalid = new InvalidObjectException("invalid serialized NMSparseModel: " + e.getMessage());
                invalid.initCause(e);
                throw invalid;
            }
        }
    }

    /** @return the per-epoch training history (loss, SAD, flips), read from this model's provenance */
    public List<EpochRecord> history() {
        return SparsityProvenance.history(provenance);
    }
}
