package io.github.nmsparse.engine.network;

import org.nd4j.linalg.api.ndarray.INDArray;
import io.github.nmsparse.engine.state.NamedState;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * {@code residual(BLOCK, BLOCK, ...)}: the body's output plus the block's input, {@code y = body(x) + shortcut(x)}.
 * The shortcut is the input itself when the body keeps its shape, and otherwise a 1x1 convolution projection with
 * the stride that matches the body's output size, N:M-sparse like any convolution (He et al.'s option B). A ReLU after
 * the sum, as in ResNet, is a block of its own after this one.
 */
final class ResidualBlock extends Block {

    /** @param body the blocks of the body, in order */
    record Spec(List<BlockSpec> body) implements BlockSpec {

        Spec {
            if (body.isEmpty()) {
                throw new IllegalArgumentException("a residual block needs at least one block in its body, as in residual(conv 16x3p1, bn)");
            }
            body = List.copyOf(body);
        }

        @Override
        public Shape outputShape(Shape input) {
            Shape shape = input;
            for (int i = 0; i < body.size(); i++) {
                try {
                    shape = body.get(i).outputShape(shape);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("its body's block " + (i + 1) + " (" + body.get(i) + ") does not fit: " + e.getMessage(), e);
                }
            }
            projection(input, shape);
            return shape;
        }

        /**
         * @return the 1x1 convolution that maps the input to the body's output shape, or null when the shapes match
         * @throws IllegalArgumentException when no 1x1 convolution can
         */
        static ConvBlock.Spec projection(Shape input, Shape output) {
            if (input.equals(output)) {
                return null;
            }
            for (int stride = 1; stride <= Math.max(input.height(), input.width()); stride++) {
                ConvBlock.Spec conv = new ConvBlock.Spec(output.channels(), 1, stride, 0, true);
                if (conv.convolvedSize(input.height()) == output.height() && conv.convolvedSize(input.width()) == output.width()) {
                    return conv;
                }
            }
            throw new IllegalArgumentException("its body turns " + input + " into " + output
                    + ", which no 1x1 convolution projection of the input can match");
        }

        @Override
        public Block build(Shape input, Init init) {
            Chain body = Chain.build(input, this.body, init);
            ConvBlock.Spec projection = projection(input, body.output());
            return new ResidualBlock(input, body, projection == null ? null : projection.build(input, init));
        }

        @Override
        public void check(Shape input, BlockSnapshot snapshot) {
            List<BlockSnapshot> children = snapshot.children();
            Shape output = outputShape(input);
            ConvBlock.Spec projection = projection(input, output);
            int expected = body.size() + (projection == null ? 0 : 1);
            if (children.size() != expected || snapshot.weights() != null || !snapshot.vectorNames().isEmpty()) {
                throw new IllegalArgumentException("block '" + snapshot.spec() + "' needs " + expected + " blocks (its body"
                        + (projection == null ? "" : " and its projection") + ") and nothing else, but the snapshot has "
                        + children.size() + " blocks" + (snapshot.weights() != null ? " and weights" : ""));
            }
            Shape shape = input;
            for (int i = 0; i < body.size(); i++) {
                BlockSpec child = BlockGrammar.parse(children.get(i).spec());
                if (!child.equals(body.get(i))) {
                    throw new IllegalArgumentException("block '" + snapshot.spec() + "' has '" + children.get(i).spec() + "' in place of '" + body.get(i) + "'");
                }
                child.check(shape, children.get(i));
                shape = child.outputShape(shape);
            }
            if (projection != null) {
                BlockSnapshot last = children.get(children.size() - 1);
                if (!BlockGrammar.parse(last.spec()).equals(projection)) {
                    throw new IllegalArgumentException("block '" + snapshot.spec() + "' needs the projection '" + projection + "', got '" + last.spec() + "'");
                }
                projection.check(input, last);
            }
        }

        @Override
        public Block restore(Shape input, BlockSnapshot snapshot) {
            check(input, snapshot);
            List<BlockSnapshot> children = snapshot.children();
            Chain bodyChain = Chain.restore(input, children.subList(0, body.size()));
            ConvBlock.Spec projection = projection(input, bodyChain.output());
            return new ResidualBlock(input, bodyChain, projection == null ? null : projection.restore(input, children.get(body.size())));
        }

        @Override
        public <N> N writeOnnx(OnnxExport<N> out, N x, Shape input, BlockSnapshot snapshot) {
            N y = x;
            Shape shape = input;
            for (int i = 0; i < body.size(); i++) {
                y = body.get(i).writeOnnx(out, y, shape, snapshot.children().get(i));
                shape = body.get(i).outputShape(shape);
            }
            ConvBlock.Spec projection = projection(input, shape);
            N shortcut = projection == null ? x : projection.writeOnnx(out, x, input, snapshot.children().get(body.size()));
            return out.op("Add", List.of(y, shortcut));
        }

        @Override
        public String toString() {
            return "residual(" + body.stream().map(Object::toString).collect(Collectors.joining(", ")) + ")";
        }
    }

    private final Chain body;
    private final Block projection;

    private ResidualBlock(Shape input, Chain body, Block projection) {
        super(input, body.output());
        this.body = body;
        this.projection = projection;
    }

    /** The body's buffers, the projection's, the sum, and dLoss/d(input). */
    private static final class Buffers extends BlockBuffers {
        final Object[] body;
        final Object projection;

        Buffers(Object[] body, Object projection, Tensor y) {
            super(y);
            this.body = body;
            this.projection = projection;
        }
    }

    @Override
    Object buffers(int rows, boolean training) {
        return new Buffers(body.buffers(rows, training), projection == null ? null : projection.buffers(rows, training),
                new Tensor(rows, output));
    }

    @Override
    Tensor forward(Tensor x, Object buffers, boolean training) {
        Buffers b = (Buffers) buffers;
        Tensor main = body.forward(x, b.body, training);
        Tensor shortcut = projection == null ? x : projection.forward(x, b.projection, training);
        add(main, shortcut, b.y);
        return b.y;
    }

    /**
     * Writes {@code a + b} into {@code sum}: off the heap when both are off the heap only (after blocks on oneDNN),
     * as an ND4J op, else in a heap loop; the same floats either way.
     */
    private static void add(Tensor a, Tensor b, Tensor sum) {
        if (a.offHeapOnly() && b.offHeapOnly()) {
            a.readArray().add(b.readArray(), sum.writeArray());
            return;
        }
        float[] x = a.readHeap();
        float[] y = b.readHeap();
        float[] z = sum.writeHeap();
        for (int i = 0; i < z.length; i++) {
            z[i] = x[i] + y[i];
        }
    }

    @Override
    Tensor backward(Tensor dy, Object buffers, boolean inputGradient) {
        Buffers b = (Buffers) buffers;
        Tensor main = body.backward(dy, b.body, inputGradient);
        Tensor shortcut = projection == null ? dy : projection.backward(dy, b.projection, inputGradient);
        if (!inputGradient) {
            return null;
        }
        Tensor dInput = b.inputGradient(dy.rows, input);
        add(main, shortcut, dInput);
        return dInput;
    }

    @Override
    long floatsPerRow() {
        return 2L * output.size() + body.blocks.stream().mapToLong(Block::floatsPerRow).sum()
                + (projection == null ? 0 : projection.floatsPerRow());
    }

    @Override
    List<Layer> layers() {
        List<Layer> layers = new ArrayList<>(body.layers());
        if (projection != null) {
            layers.addAll(projection.layers());
        }
        return layers;
    }

    @Override
    List<Parameter> parameters() {
        List<Parameter> parameters = new ArrayList<>(body.parameters());
        if (projection != null) {
            parameters.addAll(projection.parameters());
        }
        return parameters;
    }

    @Override
    List<NamedState> states() {
        return body.states();
    }

    @Override
    DeviceBlock onDevice() {
        List<DeviceBlock> deviceBody = body.blocks.stream().map(Block::onDevice).toList();
        DeviceBlock deviceProjection = projection == null ? null : projection.onDevice();
        List<DeviceBlock> children = new ArrayList<>(deviceBody);
        if (deviceProjection != null) {
            children.add(deviceProjection);
        }
        return new DeviceBlock(input, output) {
            /** The body's buffers, the projection's, and the sum. */
            final class Buffers extends DeviceBlock.Buffers {
                final Object[] body;
                final Object projection;

                Buffers(int rows, boolean training) {
                    super(rows, output);
                    this.body = deviceBody.stream().map(block -> block.buffers(rows, training)).toArray();
                    this.projection = deviceProjection == null ? null : deviceProjection.buffers(rows, training);
                }
            }

            @Override
            Object buffers(int rows, boolean training) {
                return new Buffers(rows, training);
            }

            @Override
            INDArray forward(INDArray x, Object buffers, boolean training) {
                Buffers b = (Buffers) buffers;
                INDArray main = x;
                for (int i = 0; i < deviceBody.size(); i++) {
                    main = deviceBody.get(i).forward(main, b.body[i], training);
                }
                INDArray shortcut = deviceProjection == null ? x : deviceProjection.forward(x, b.projection, training);
                return main.add(shortcut, b.y);
            }

            @Override
            INDArray backward(INDArray dy, Object buffers, boolean inputGradient) {
                Buffers b = (Buffers) buffers;
                INDArray main = dy;
                for (int i = deviceBody.size() - 1; i >= 0; i--) {
                    main = deviceBody.get(i).backward(main, b.body[i], i > 0 || inputGradient);
                }
                INDArray shortcut = deviceProjection == null ? dy : deviceProjection.backward(dy, b.projection, inputGradient);
                if (!inputGradient) {
                    return null;
                }
                return main.add(shortcut, b.inputGradient((int) dy.rows(), input));
            }

            @Override
            List<DeviceLayer> layers() {
                return children.stream().flatMap(block -> block.layers().stream()).toList();
            }

            @Override
            List<DeviceParameter> parameters() {
                return children.stream().flatMap(block -> block.parameters().stream()).toList();
            }

            @Override
            void load() {
                children.forEach(DeviceBlock::load);
            }

            @Override
            void publish() {
                children.forEach(DeviceBlock::publish);
            }
        };
    }

    /** The body as the model keeps it (batch normalizations folded), so the text is that of the folded body. */
    @Override
    BlockSnapshot snapshot() {
        List<BlockSnapshot> children = new ArrayList<>(body.snapshot());
        String text = "residual(" + children.stream().map(BlockSnapshot::spec).collect(Collectors.joining(", ")) + ")";
        if (projection != null) {
            children.add(projection.snapshot());
        }
        return new BlockSnapshot(text, null, Map.of(), children);
    }
}
