package io.github.nmsparse.engine.network;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.CustomOp;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * ND4J ops built once for the arrays they run on, and run again on the next call with the same arrays (a block's
 * workspace arrays stay the same from step to step). Building an op every call made views of its arrays every call,
 * each with a shape buffer of its own off the heap, and made ND4J's reshape code a hot spot that the JIT compiled
 * during the first epoch. A cache belongs to a workspace's buffers, so that its ops, which hold the workspace's
 * memory, go when the workspace goes; it keeps a few entries, the least recently used dropped, and threads may share
 * it.
 */
final class OpCache {

    private static final int ENTRIES = 4;

    private final Map<Key, CustomOp> ops = new LinkedHashMap<>(ENTRIES, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, CustomOp> eldest) {
            return size() > ENTRIES;
        }
    };

    /**
     * @param build  builds the op for these arrays
     * @param arrays the arrays the op reads and writes, by identity
     * @return the op built for exactly these arrays
     */
    synchronized CustomOp get(Supplier<CustomOp> build, INDArray... arrays) {
        return ops.computeIfAbsent(new Key(arrays), key -> build.get());
    }

    /** Arrays compared by identity: INDArray's own equals compares contents. */
    private record Key(INDArray[] arrays) {
        @Override
        public boolean equals(Object other) {
            if (!(other instanceof Key key) || key.arrays.length != arrays.length) {
                return false;
            }
            for (int i = 0; i < arrays.length; i++) {
                if (key.arrays[i] != arrays[i]) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public int hashCode() {
            int hash = 1;
            for (INDArray array : arrays) {
                hash = 31 * hash + System.identityHashCode(array);
            }
            return hash;
        }

        @Override
        public String toString() {
            return Arrays.toString(arrays);
        }
    }
}
