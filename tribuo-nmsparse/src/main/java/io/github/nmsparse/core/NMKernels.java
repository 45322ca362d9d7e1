package io.github.nmsparse.core;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Picks the kernel of {@link NMVectorProduct}. The lane-permute kernel is compiled against the incubating Vector API
 * ({@code src/main/java-incubator}) and is loaded, by name, only when {@code jdk.incubator.vector} is in the boot
 * layer, so that nothing else in the project links to that module.
 */
final class NMKernels {

    private static final Logger LOG = Logger.getLogger(NMKernels.class.getName());

    /**
     * The first Java release whose compiler turns the lane kernel's permutes into vector instructions, as measured
     * (BENCHMARKS.md): on Java 25 the kernel took a sixth of the row-gather kernel's time; on Java 17 the permutes ran
     * as method calls on lane arrays and the kernel took 3 to 5 times as long as the row-gather one. Releases between
     * were not measured, so they keep the row-gather kernel.
     */
    static final int LANES_FROM_JAVA = 25;


    private static final String LANE_KERNEL = "io.github.nmsparse.core.LanePermuteKernel";
    private static final MethodHandle LANE_CONSTRUCTOR = laneConstructor();
    private static final int PREFERRED_LANES = preferredLanes();

    private NMKernels() {
    }

    /**
     * @return the kernel for this JVM: the lane-permute one where it is loaded, the Java release is at least
     *         {@link #LANES_FROM_JAVA} and vectors hold 8 or 16 floats (AVX2 or AVX-512 on x86); the row-gather one
     *         otherwise
     */
    static NMKernel choose(NMLayout layout, float[] values, int[] columns) {
        if (Runtime.version().feature() >= LANES_FROM_JAVA && (PREFERRED_LANES == 8 || PREFERRED_LANES == 16)) {
            return lanes(layout, values, columns).orElseThrow();
        }
        return new RowGatherKernel(layout, values, columns);
    }

    /**
     * @return the lane-permute kernel, with vectors of this platform's preferred width, or empty when
     *         {@code jdk.incubator.vector} is not in the boot layer
     * @throws IllegalStateException when the preferred vectors hold other than 8 or 16 floats
     */
    static Optional<NMKernel> lanes(NMLayout layout, float[] values, int[] columns) {
        if (LANE_CONSTRUCTOR == null) {
            return Optional.empty();
        }
        try {
            return Optional.of((NMKernel) LANE_CONSTRUCTOR.invoke(layout, values, columns));
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("building the lane-permute kernel failed", e);
        }
    }

    /** @return floats in the platform's preferred vector, or 0 when the lane kernel is not loaded */
    static int preferredLanes() {
        if (LANE_CONSTRUCTOR == null) {
            return 0;
        }
        try {
            return (int) MethodHandles.lookup().findStatic(Class.forName(LANE_KERNEL), "preferredLanes",
                    MethodType.methodType(int.class)).invoke();
        } catch (Throwable e) {
            LOG.log(Level.WARNING, "the lane-permute kernel did not report its vector width; the row-gather kernel runs", e);
            return 0;
        }
    }

    private static MethodHandle laneConstructor() {
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            return null;
        }
        try {
            return MethodHandles.lookup().findConstructor(Class.forName(LANE_KERNEL),
                    MethodType.methodType(void.class, NMLayout.class, float[].class, int[].class));
        } catch (ReflectiveOperationException | LinkageError e) {
            LOG.log(Level.WARNING, "jdk.incubator.vector is present but the lane-permute kernel did not load; the row-gather kernel runs", e);
            return null;
        }
    }
}
