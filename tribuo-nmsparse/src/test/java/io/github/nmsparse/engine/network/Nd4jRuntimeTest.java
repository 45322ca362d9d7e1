package io.github.nmsparse.engine.network;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Which native build of ND4J the engine asks JavaCPP for. */
class Nd4jRuntimeTest {

    @Test
    void asksForTheOneDnnBuildWhereItsLibraryIsOnTheClassPath(@TempDir Path dir) throws IOException {
        Path library = dir.resolve("org/nd4j/linalg/cpu/nativecpu/bindings/linux-x86_64-onednn/" + System.mapLibraryName("jnind4jcpu"));
        try (URLClassLoader without = new URLClassLoader(new URL[] {dir.toUri().toURL()}, null)) {
            assertNull(Nd4jRuntime.chooseBuild(null, "linux-x86_64", without), "without the jar the generic build loads");
        }
        Files.createDirectories(library.getParent());
        Files.write(library, new byte[0]);
        try (URLClassLoader with = new URLClassLoader(new URL[] {dir.toUri().toURL()}, null)) {
            assertEquals("-onednn", Nd4jRuntime.chooseBuild(null, "linux-x86_64", with));
            assertNull(Nd4jRuntime.chooseBuild("", "linux-x86_64", with), "a build the user named is kept, the generic one too");
            assertNull(Nd4jRuntime.chooseBuild("-avx2", "linux-x86_64", with), "a build the user named is kept");
            assertNull(Nd4jRuntime.chooseBuild(null, "linux-arm64", with), "another platform's oneDNN build is not there");
        }
    }

    @Test
    void gemmsRunOnOpenBlasBitForBitWhateverTheBuild() {
        Nd4jRuntime.configureThisThread();
        Nd4j.getRandom().setSeed(7);
        INDArray x = Nd4j.rand(DataType.FLOAT, 128, 784);
        INDArray w = Nd4j.rand(DataType.FLOAT, 256, 784);
        INDArray expected = Nd4j.create(DataType.FLOAT, 128, 256);
        INDArray actual = Nd4j.create(DataType.FLOAT, 128, 256);
        boolean helpers = Nd4j.getEnvironment().helpersAllowed();
        Nd4j.getEnvironment().allowHelpers(false); // ND4J's matmul without oneDNN: OpenBLAS, as on the generic build
        try {
            Nd4j.gemm(x, w, expected, false, true, 1.0, 0.0);
        } finally {
            Nd4j.getEnvironment().allowHelpers(helpers);
        }
        Gemm.multiply(x, w, actual, false, true);
        assertArrayEquals(expected.data().asFloat(), actual.data().asFloat());
        INDArray transposedA = Nd4j.create(DataType.FLOAT, 256, 784);
        Gemm.multiply(actual, x, transposedA, true, false);
        INDArray reference = actual.transpose().mmul(x);
        assertArrayEquals(reference.data().asFloat(), transposedA.data().asFloat(), 1e-2f * 784);
    }
}
