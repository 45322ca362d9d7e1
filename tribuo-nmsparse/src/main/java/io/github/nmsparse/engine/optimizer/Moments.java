package io.github.nmsparse.engine.optimizer;

import io.github.nmsparse.engine.network.Parameter;
import io.github.nmsparse.engine.state.StateInput;
import io.github.nmsparse.engine.state.StateOutput;

import java.io.IOException;
import java.util.List;

/** One array of per-element optimizer state per parameter (a moment, a momentum buffer), saved and restored whole. */
final class Moments {

    private float[][] values = new float[0][];

    void initialise(List<Parameter> parameters) {
        values = new float[parameters.size()][];
        for (Parameter p : parameters) {
            values[p.index()] = new float[p.size()];
        }
    }

    /** @return the state of the parameter */
    float[] of(Parameter parameter) {
        return values[parameter.index()];
    }

    void save(StateOutput out) throws IOException {
        out.writeInt(values.length);
        for (float[] moment : values) {
            out.writeFloats(moment);
        }
    }

    void restore(StateInput in, String what) throws IOException {
        in.require(in.readInt() == values.length, "the number of parameters with " + what);
        for (float[] moment : values) {
            in.readFloats(moment, what);
        }
    }
}
