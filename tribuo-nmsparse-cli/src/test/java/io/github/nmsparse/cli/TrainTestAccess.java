package io.github.nmsparse.cli;

import io.github.nmsparse.engine.optimizer.Optimizer;

/** The command line's names for optimizers, for the test that checks the plugin's description against them. */
public final class TrainTestAccess {

    private TrainTestAccess() {
    }

    /** @return the optimizer class the command line's {@code --optimizer NAME} means */
    public static Class<? extends Optimizer> optimizer(String name) {
        Class<? extends Optimizer> type = TrainTest.OPTIMIZERS.get(name);
        if (type == null) {
            throw new AssertionError("--optimizer knows no " + name);
        }
        return type;
    }
}
