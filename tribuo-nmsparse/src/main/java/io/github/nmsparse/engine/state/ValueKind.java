package io.github.nmsparse.engine.state;

/**
 * What a value in a tagged state stream is. Replicas of a data-parallel run exchange tagged streams, so that
 * {@link StateMean} can combine them value by value without knowing which state wrote them.
 */
enum ValueKind {
    BOOLEAN, INT, LONG, DOUBLE, FLOATS, INTS, BYTES, MASK;

    /** @return the tag byte written before a value of this kind */
    byte tag() {
        return (byte) ordinal();
    }

    /**
     * @param tag a tag byte
     * @return its kind
     * @throws IllegalArgumentException when it is no kind's tag
     */
    static ValueKind of(int tag) {
        if (tag < 0 || tag >= values().length) {
            throw new IllegalArgumentException("the value tag " + tag + " is not one a state stream writes");
        }
        return values()[tag];
    }
}
