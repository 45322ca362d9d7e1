package io.github.nmsparse.engine;

import io.github.nmsparse.engine.network.HostMemory;

/**
 * What runs a training step. Both compute the same training, to within float rounding (the lockstep tests hold them
 * to it); they differ in where the work happens and so in where they are correct.
 */
public enum Executor {
    /** FUSED where Java sees the arrays' memory (ND4J's CPU backend), OPS on any other backend. */
    AUTO,
    /**
     * Java loops over the arrays' memory plus ND4J GEMMs, with the update fused into one pass per weight row: the
     * fast path on the CPU backend. Refused elsewhere: on a device backend (CUDA) the Java writes would never reach
     * the device, and the run would train a wrong model without an error.
     */
    FUSED,
    /**
     * Every tensor of a step stays an ND4J array on the backend and all per-step work is ND4J ops; the host reads a
     * loss per step and the masks once an epoch. Correct on any backend.
     */
    OPS;

    /**
     * @return FUSED or OPS, for this process's ND4J backend
     * @throws IllegalStateException for FUSED on a backend whose arrays Java does not see
     */
    public Executor resolve() {
        boolean shared = HostMemory.sharedWithHost();
        return switch (this) {
            case AUTO -> shared ? FUSED : OPS;
            case OPS -> OPS;
            case FUSED -> {
                if (!shared) {
                    throw new IllegalStateException("the FUSED executor needs ND4J's CPU backend, where Java writes the arrays' own "
                            + "memory; on this backend (" + (HostMemory.splitMemory() ? "split host and device memory" : "not the CPU")
                            + ") its writes would not reach the device and it would train a wrong model: use OPS or AUTO");
                }
                yield FUSED;
            }
        };
    }
}
