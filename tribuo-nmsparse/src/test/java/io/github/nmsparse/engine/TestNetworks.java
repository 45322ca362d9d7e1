package io.github.nmsparse.engine;

import io.github.nmsparse.core.NMPattern;
import io.github.nmsparse.engine.network.Activation;
import io.github.nmsparse.engine.network.Architecture;
import io.github.nmsparse.engine.network.Shape;

import java.util.Locale;

/** Architectures the engine's tests and benchmarks share. */
public final class TestNetworks {

    private TestNetworks() {
    }

    /**
     * @param inputs     the input features
     * @param pattern    the N:M pattern of the hidden layers, or null for none
     * @param activation the hidden activation
     * @param outputs    the outputs, of a dense output layer
     * @param hidden     the hidden widths, input side first
     * @return a multi-layer perceptron
     */
    public static Architecture mlp(int inputs, NMPattern pattern, Activation activation, int outputs, int... hidden) {
        Architecture.Builder builder = Architecture.builder(Shape.vector(inputs)).pattern(pattern).initialization(activation);
        for (int width : hidden) {
            builder.blocks("dense " + width + ", " + activation.name().toLowerCase(Locale.ROOT));
        }
        return builder.output(outputs, false).build();
    }

    /** @return a ReLU multi-layer perceptron */
    public static Architecture mlp(int inputs, NMPattern pattern, int outputs, int... hidden) {
        return mlp(inputs, pattern, Activation.RELU, outputs, hidden);
    }
}
