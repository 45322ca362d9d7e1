package io.github.nmsparse.engine.optimizer;

import com.oracle.labs.mlrg.olcut.config.PropertyException;

/** The optimizers' check of a setting, with a message that names it. */
final class Settings {

    private Settings() {
    }

    static void require(boolean condition, String field, String range, double value) {
        if (!condition) {
            throw new PropertyException("", field, field + " must be " + range + ", got " + value);
        }
    }
}
