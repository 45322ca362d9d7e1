package io.github.nmsparse.engine.method;

import io.github.nmsparse.engine.state.StateInput;
import io.github.nmsparse.engine.state.StateOutput;

/** {@link CountingSte} that does not save its count: the control that shows a resume test notices lost method state. */
public final class ForgetfulCountingSte extends CountingSte {

    /** For OLCUT. */
    public ForgetfulCountingSte() {
    }

    /** @param every refresh the masks every this many steps */
    public ForgetfulCountingSte(int every) {
        super(every);
    }

    @Override
    public void save(StateOutput out) {
    }

    @Override
    public void restore(StateInput in) {
    }
}
