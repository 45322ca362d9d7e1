package io.github.nmsparse.engine.network;

import java.util.Map;
import java.util.Set;

/** Checks that a snapshot holds exactly the values its block needs, of the right sizes, naming what does not fit. */
final class WeightsCheck {

    private WeightsCheck() {
    }

    /**
     * @param snapshot the block's snapshot
     * @param inputs   the GEMM inputs its weights must have (0: the block has no GEMM weights)
     * @param outputs  the GEMM outputs
     * @param vectors  the other values it must hold, by name, with their lengths
     * @throws IllegalArgumentException naming the first value that does not fit
     */
    static void require(BlockSnapshot snapshot, int inputs, int outputs, Map<String, Integer> vectors) {
        String block = "block '" + snapshot.spec() + "'";
        if (!snapshot.children().isEmpty()) {
            throw new IllegalArgumentException(block + " contains no blocks, but the snapshot has " + snapshot.children().size());
        }
        LayerWeights weights = snapshot.weights();
        if (inputs == 0 && weights != null) {
            throw new IllegalArgumentException(block + " has no weights, but the snapshot holds some");
        }
        if (inputs > 0 && weights == null) {
            throw new IllegalArgumentException(block + " needs a " + outputs + "x" + inputs + " weight matrix, but the snapshot has none");
        }
        if (weights != null && (weights.inputs() != inputs || weights.outputs() != outputs)) {
            throw new IllegalArgumentException(block + " needs a " + outputs + "x" + inputs + " weight matrix, got "
                    + weights.outputs() + "x" + weights.inputs());
        }
        if (!snapshot.vectorNames().equals(Set.copyOf(vectors.keySet()))) {
            throw new IllegalArgumentException(block + " holds the values " + vectors.keySet() + ", but the snapshot has " + snapshot.vectorNames());
        }
        vectors.forEach((name, length) -> {
            int found = snapshot.vector(name).length;
            if (found != length) {
                throw new IllegalArgumentException(block + " needs " + length + " values of '" + name + "', got " + found);
            }
        });
    }
}
