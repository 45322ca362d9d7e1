package io.github.nmsparse.engine.network;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;
import java.util.Map;

/**
 * {@code dense U}: a fully connected layer of U units, {@code y = x W^T + b}, N:M-sparse under a masking method
 * (groups along each unit's inputs) unless written {@code dense U dense}. The GEMMs run on ND4J; the bias in Java.
 */
final class DenseBlock extends Block {

    /**
     * @param units  outputs
     * @param sparse whether the layer is one of those trained N:M
     */
    record Spec(int units, boolean sparse) implements BlockSpec {

        Spec {
            if (units < 1) {
                throw new IllegalArgumentException("a dense layer needs at least one unit, got " + units);
            }
        }

        /** Reads {@code U} or {@code U dense}. */
        static Spec parse(String arguments) {
            String[] words = arguments.trim().split("\\s+");
            boolean dense = words.length == 2 && words[1].equals("dense");
            if (words.length > 2 || (words.length == 2 && !dense) || !words[0].matches("\\d{1,9}")) {
                throw new IllegalArgumentException("'dense " + arguments.trim() + "' is not of the form 'dense UNITS' or 'dense UNITS dense'");
            }
            return new Spec(Integer.parseInt(words[0]), !dense);
        }

        @Override
        public Shape outputShape(Shape input) {
            if (!input.isVector()) {
                throw new IllegalArgumentException("it needs a vector input but gets " + input + "; put flatten or gap before it");
            }
            return Shape.vector(units);
        }

        @Override
        public Block build(Shape input, Init init) {
            int inputs = input.size();
            return new DenseBlock(this, input, new Layer(inputs, units, init.weights(inputs, units), new float[units], init.patternFor(sparse)));
        }

        @Override
        public void check(Shape input, BlockSnapshot snapshot) {
            WeightsCheck.require(snapshot, input.size(), units, Map.of());
        }

        @Override
        public Block restore(Shape input, BlockSnapshot snapshot) {
            check(input, snapshot);
            LayerWeights weights = snapshot.weights();
            return new DenseBlock(this, input, new Layer(weights.inputs(), weights.outputs(), weights.weights(), weights.biases(), null));
        }

        @Override
        public <N> N writeOnnx(OnnxExport<N> out, N x, Shape input, BlockSnapshot snapshot) {
            LayerWeights weights = snapshot.weights();
            int layer = out.nextLayer();
            N w = out.floats(OnnxExport.weightName(layer), List.of(weights.outputs(), weights.inputs()), weights.weights());
            N b = out.floats("layer" + layer + "_bias", List.of(weights.outputs()), weights.biases());
            return out.op("Gemm", List.of(x, w, b), Map.of("transB", 1));
        }

        @Override
        public String toString() {
            return "dense " + units + (sparse ? "" : " dense");
        }
    }

    private final Spec spec;
    private final Layer layer;

    private DenseBlock(Spec spec, Shape input, Layer layer) {
        super(input, Shape.vector(spec.units()));
        this.spec = spec;
        this.layer = layer;
    }

    @Override
    Object buffers(int rows, boolean training) {
        return new BlockBuffers.KeepingInput(rows, output);
    }

    @Override
    Tensor forward(Tensor x, Object buffers, boolean training) {
        BlockBuffers.KeepingInput b = (BlockBuffers.KeepingInput) buffers;
        b.x = x;
        Gemm.multiply(x.readArray(), layer.forwardWeights(), b.y.writeArray(), false, true);
        layer.addBias(b.y.updateHeap(), x.rows);
        return b.y;
    }

    @Override
    Tensor backward(Tensor dy, Object buffers, boolean inputGradient) {
        BlockBuffers.KeepingInput b = (BlockBuffers.KeepingInput) buffers;
        Gemm.multiply(dy.readArray(), b.x.readArray(), layer.weightGradient(), true, false);
        layer.setBiasGradient(dy.readHeap(), dy.rows);
        if (!inputGradient) {
            return null;
        }
        Tensor dInput = b.inputGradient(dy.rows, input);
        Gemm.multiply(dy.readArray(), layer.forwardWeights(), dInput.writeArray(), false, false);
        return dInput;
    }

    @Override
    List<Layer> layers() {
        return List.of(layer);
    }

    @Override
    BlockSnapshot snapshot() {
        // Whether the layer trained sparse is its weights' pattern now: the text leaves the training-time flag out.
        return new BlockSnapshot(new Spec(spec.units(), true).toString(), layer.snapshot(), Map.of(), List.of());
    }

    @Override
    DeviceBlock onDevice() {
        return new Device(new DeviceLayer(layer));
    }

    /** The same layer on the ops executor: the GEMMs, the bias and its gradient as ND4J ops. */
    private final class Device extends DeviceBlock {
        private final DeviceLayer layer;

        Device(DeviceLayer layer) {
            super(DenseBlock.this.input, DenseBlock.this.output);
            this.layer = layer;
        }

        @Override
        Object buffers(int rows, boolean training) {
            return new DeviceBlock.KeepingInput(rows, output);
        }

        @Override
        INDArray forward(INDArray x, Object buffers, boolean training) {
            DeviceBlock.KeepingInput b = (DeviceBlock.KeepingInput) buffers;
            b.x = x;
            Gemm.multiply(x, layer.forwardWeights(), b.y, false, true);
            layer.addBias(b.y);
            return b.y;
        }

        @Override
        INDArray backward(INDArray dy, Object buffers, boolean inputGradient) {
            DeviceBlock.KeepingInput b = (DeviceBlock.KeepingInput) buffers;
            Gemm.multiply(dy, b.x, layer.weightGradient(), true, false);
            layer.setBiasGradient(dy);
            if (!inputGradient) {
                return null;
            }
            INDArray dx = b.inputGradient((int) dy.rows(), input);
            Gemm.multiply(dy, layer.forwardWeights(), dx, false, false);
            return dx;
        }

        @Override
        List<DeviceLayer> layers() {
            return List.of(layer);
        }
    }

    /** @return the layer, for a following batch normalization to fold into */
    Layer layer() {
        return layer;
    }
}
