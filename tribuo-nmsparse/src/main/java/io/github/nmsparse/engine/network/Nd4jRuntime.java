package io.github.nmsparse.engine.network;

import org.bytedeco.javacpp.Loader;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOpsHolder;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * Which native build of ND4J loads, and thread settings that make it fast on few cores without environment
 * variables.
 *
 * <p><b>Build.</b> Before ND4J loads, this class asks JavaCPP for ND4J's oneDNN build when its jar is on the class
 * path (the pom adds it on Linux x86_64), unless the system property {@value #PLATFORM_EXTENSION} already names one:
 * its pooling runs on oneDNN, and the convolutions run on oneDNN's own primitives ({@link OneDnnConvolution}), 2-3x
 * faster than im2col and GEMM here (BENCHMARKS.md). oneDNN picks its AVX2 or AVX-512 kernels at run time, so the one
 * build serves every x86_64 CPU; where the jar is missing JavaCPP loads the generic build and convolutions keep the
 * im2col path. The engine's entry points (building or restoring a network)
 * touch this class first; a program that loads ND4J earlier keeps the build it loaded.
 *
 * <p><b>Threads.</b> By default libnd4j's OpenMP pool and OpenBLAS's threads compete for the cores and a mixed
 * training step runs 2-3x slower; here element-wise work stays on the calling thread and OpenBLAS alone uses several
 * threads for the GEMMs. oneDNN's convolutions and pooling take as many OpenMP threads as OpenBLAS has
 * ({@link #onOneDnn}); GEMMs stay on OpenBLAS on either build ({@link Gemm}).
 */
public final class Nd4jRuntime {

    /** The JavaCPP system property that picks a variant of a native build by its classifier's suffix. */
    static final String PLATFORM_EXTENSION = "org.bytedeco.javacpp.platform.extension";
    /** The suffix of ND4J's oneDNN build. */
    static final String ONEDNN = "-onednn";
    private static final int BLAS_THREADS = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
    private static BackendInfo info;
    /** Null until asked once ND4J has loaded. */
    private static Boolean buildHasOneDnn;
    private static boolean oneDnnOff;

    static {
        String chosen = chooseBuild(System.getProperty(PLATFORM_EXTENSION), Loader.getPlatform(),
                Nd4jRuntime.class.getClassLoader());
        if (chosen != null) {
            System.setProperty(PLATFORM_EXTENSION, chosen);
        }
    }

    private Nd4jRuntime() {
    }

    /**
     * @param asked    the platform extension already set, or null
     * @param platform JavaCPP's platform, e.g. linux-x86_64
     * @param loader   where to look for the oneDNN build's library
     * @return the platform extension to set, or null to leave the setting as it is
     */
    static String chooseBuild(String asked, String platform, ClassLoader loader) {
        if (asked != null) {
            return null;
        }
        String library = "org/nd4j/linalg/cpu/nativecpu/bindings/" + platform + ONEDNN + "/" + System.mapLibraryName("jnind4jcpu");
        return loader.getResource(library) == null ? null : ONEDNN;
    }

    /**
     * @return whether the engine runs convolutions as oneDNN's primitives and pooling as ND4J's ops on oneDNN: the
     *         loaded ND4J build has oneDNN, ND4J's helpers are allowed (ND4J's default), oneDNN's Java bindings load
     *         (the same pom profile brings both), and a test has not turned it off
     */
    public static synchronized boolean oneDnn() {
        return !oneDnnOff && buildHasOneDnn() && Nd4j.getEnvironment().helpersAllowed() && OneDnn.available();
    }

    /** @return whether ND4J runs on the CPU backend, where array memory is the host's */
    static boolean cpuBackend() {
        return CpuBackend.IS_CPU;
    }

    /** Asked once: ND4J's backend does not change in a process. */
    private static final class CpuBackend {
        static final boolean IS_CPU = Nd4j.getEnvironment().isCPU();
    }

    /** @return whether the loaded ND4J build is the oneDNN one, on the CPU backend */
    static synchronized boolean buildHasOneDnn() {
        if (buildHasOneDnn == null) {
            buildHasOneDnn = cpuBackend() && NativeOpsHolder.getInstance().getDeviceNativeOps().buildInfo().contains("HAVE_ONEDNN");
        }
        return buildHasOneDnn;
    }

    /**
     * Turns the engine's use of oneDNN's ops off or back on, for blocks built from now on: test support, to compare
     * the two paths in one process.
     *
     * @param use whether to use them where the build has them
     */
    static synchronized void useOneDnn(boolean use) {
        oneDnnOff = !use;
    }

    /**
     * Runs ND4J ops that parallelize through OpenMP (oneDNN's pooling), or builds oneDNN primitives (which keep the
     * thread count they were built with), on as many threads as OpenBLAS uses, then puts the calling thread's single
     * OpenMP thread back (the setting is the thread's own).
     *
     * @param ops the ops
     */
    static void onOneDnn(Runnable ops) {
        NativeOpsHolder.getInstance().getDeviceNativeOps().setOmpNumThreads(BLAS_THREADS);
        try {
            ops.run();
        } finally {
            NativeOpsHolder.getInstance().getDeviceNativeOps().setOmpNumThreads(1);
        }
    }

    /**
     * Applies the process-wide settings once, and the per-thread OpenMP setting on the calling thread.
     *
     * @return what the backend is and how it is set
     */
    public static synchronized BackendInfo configureThisThread() {
        if (info == null) {
            Nd4j.getEnvironment().setMaxMasterThreads(1);
            Nd4j.factory().blas().setMaxThreads(BLAS_THREADS);
        }
        NativeOpsHolder.getInstance().getDeviceNativeOps().setOmpNumThreads(1);
        if (info == null) {
            // Read back, not assumed: what ND4J reports once the settings above are applied.
            String build = Loader.getPlatform() + System.getProperty(PLATFORM_EXTENSION, "");
            info = new BackendInfo(Nd4j.getBackend().getClass().getSimpleName(), nd4jVersion(), buildHasOneDnn() ? build : build + " (no oneDNN)",
                    String.valueOf(Nd4j.factory().blas().getBlasVendor()), Nd4j.factory().blas().getMaxThreads(),
                    NativeOpsHolder.getInstance().getDeviceNativeOps().ompGetMaxThreads(),
                    Nd4j.getEnvironment().maxMasterThreads());
        }
        return info;
    }

    private static String nd4jVersion() {
        try (InputStream in = Nd4j.class.getResourceAsStream("/META-INF/maven/org.nd4j/nd4j-api/pom.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    /**
     * The tensor backend a network ran on.
     *
     * @param backend       the ND4J backend class, e.g. CpuBackend
     * @param version       the ND4J version
     * @param nativeBuild   the native build asked for, e.g. linux-x86_64-onednn, with "(no oneDNN)" when the loaded
     *                      build lacks it
     * @param blasVendor    the BLAS library, e.g. OPENBLAS
     * @param blasThreads   OpenBLAS threads
     * @param ompThreads    libnd4j OpenMP threads on the training thread
     * @param masterThreads ND4J master threads
     */
    public record BackendInfo(String backend, String version, String nativeBuild, String blasVendor, int blasThreads, int ompThreads,
                              int masterThreads) {
    }
}
