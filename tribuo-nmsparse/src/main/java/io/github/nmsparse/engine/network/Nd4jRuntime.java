package io.github.nmsparse.engine.network;

import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOpsHolder;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * Thread settings that make ND4J fast on few cores without environment variables. By default libnd4j's OpenMP
 * pool and OpenBLAS's threads compete for the cores and a mixed training step runs 2-3x slower; here element-wise
 * work stays on the calling thread and OpenBLAS alone uses several threads for the GEMMs.
 */
public final class Nd4jRuntime {

    private static final int BLAS_THREADS = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
    private static BackendInfo info;

    private Nd4jRuntime() {
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
            info = new BackendInfo(Nd4j.getBackend().getClass().getSimpleName(), nd4jVersion(),
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
     * @param blasVendor    the BLAS library, e.g. OPENBLAS
     * @param blasThreads   OpenBLAS threads
     * @param ompThreads    libnd4j OpenMP threads on the training thread
     * @param masterThreads ND4J master threads
     */
    public record BackendInfo(String backend, String version, String blasVendor, int blasThreads, int ompThreads,
                              int masterThreads) {
    }
}
