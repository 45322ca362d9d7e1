package io.github.nmsparse.engine.network;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;

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
}
