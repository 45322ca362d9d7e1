package io.github.nmsparse.core;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Picks the kernel of {@link NMVectorProduct}. The lane kernels are compiled against the incubating Vector API
 * ({@code src/main/java-incubator}) and are loaded, by name, only when {@code jdk.incubator.vector} is in the boot
 * layer, so that nothing else in the project links to that module.
 */
final class NMKernels {

    private static final Logger LOG = Logger.getLogger(NMKernels.class.getName());

    /**
     * The first Java release whose compiler turns the lane permutes of {@code LanePermuteKernel} into vector
     * instructions, as measured (BENCHMARKS.md): on Java 25 that kernel took a sixth of the row-gather kernel's time;
     * on Java 17 its permutes ran as method calls on lane arrays and it took 3 to 5 times as long as the row-gather
     * one. Releases between were not measured, so they take the blend kernel (2:4) or the row-gather one, as Java 17
     * does.
     */
    static final int PERMUTES_FROM_JAVA = 25;

    /** The one pattern the blend kernel serves ({@code LaneBlendKernel} says why). */
    static final NMPattern BLEND_PATTERN = new NMPattern(2, 4);

    private static final MethodHandle PERMUTE = laneConstructor("io.github.nmsparse.core.LanePermuteKernel");
    private static final MethodHandle BLEND = laneConstructor("io.github.nmsparse.core.LaneBlendKernel");
    private static final int PREFERRED_LANES = preferredLanes();

    private NMKernels() {
    }

    /**
     * @return the kernel for this JVM and matrix. Where the lane kernels are loaded and vectors hold 8 or 16 floats
     *         (AVX2 or AVX-512 on x86): the lane-permute one from Java {@link #PERMUTES_FROM_JAVA} on, the lane-blend
     *         one before it for 2:4. The row-gather one otherwise.
     */
    static NMKernel choose(NMLayout layout, float[] values, int[] columns) {
        if (PREFERRED_LANES == 8 || PREFERRED_LANES == 16) {
            if (Runtime.version().feature() >= PERMUTES_FROM_JAVA) {
                return permute(layout, values, columns).orElseThrow();
            }
            if (layout.pattern().equals(BLEND_PATTERN)) {
                return blend(layout, values, columns).orElseThrow();
            }
        }
        return new RowGatherKernel(layout, values, columns);
    }

    /**
     * @return the lane-permute kernel, with vectors of this platform's preferred width, or empty when
     *         {@code jdk.incubator.vector} is not in the boot layer
     * @throws IllegalStateException when the preferred vectors hold other than 8 or 16 floats
     */
    static Optional<NMKernel> permute(NMLayout layout, float[] values, int[] columns) {
        return construct(PERMUTE, layout, values, columns);
    }

    /**
     * @return the lane-blend kernel, with vectors of this platform's preferred width, or empty when
     *         {@code jdk.incubator.vector} is not in the boot layer
     * @throws IllegalArgumentException when the pattern is not {@link #BLEND_PATTERN}
     */
    static Optional<NMKernel> blend(NMLayout layout, float[] values, int[] columns) {
        return construct(BLEND, layout, values, columns);
    }

    /** @return floats in the platform's preferred vector, or 0 when the lane kernels are not loaded */
    static int preferredLanes() {
        if (PERMUTE == null) {
            return 0;
        }
        try {
            return (int) MethodHandles.lookup().findStatic(Class.forName("io.github.nmsparse.core.LanePermuteKernel"),
                    "preferredLanes", MethodType.methodType(int.class)).invoke();
        } catch (Throwable e) {
            LOG.log(Level.WARNING, "the lane kernels did not report their vector width; the row-gather kernel runs", e);
            return 0;
        }
    }

    private static Optional<NMKernel> construct(MethodHandle constructor, NMLayout layout, float[] values, int[] columns) {
        if (constructor == null) {
            return Optional.empty();
        }
        try {
            return Optional.of((NMKernel) constructor.invoke(layout, values, columns));
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("building a lane kernel failed", e);
        }
    }

    private static MethodHandle laneConstructor(String className) {
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            return null;
        }
        try {
            return MethodHandles.lookup().findConstructor(Class.forName(className),
                    MethodType.methodType(void.class, NMLayout.class, float[].class, int[].class));
        } catch (ReflectiveOperationException | LinkageError e) {
            LOG.log(Level.WARNING, "jdk.incubator.vector is present but " + className + " did not load; the row-gather kernel runs", e);
            return null;
        }
    }
}
