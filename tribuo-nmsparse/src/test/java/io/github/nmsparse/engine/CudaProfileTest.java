package io.github.nmsparse.engine;

import io.github.nmsparse.engine.network.Nd4jRuntime;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * What {@code -Dcuda} brings, checked on the build's own declaration, without downloading the CUDA jars (601 MB): the
 * CUDA 11.6 backend of the very ND4J version the engine is built and tested against, in place of the CPU backend.
 * The tree it resolves to, and what a machine needs for it, are in the README.
 */
class CudaProfileTest {

    private static Element profile(Document pom, String id) {
        NodeList profiles = pom.getElementsByTagName("profile");
        for (int i = 0; i < profiles.getLength(); i++) {
            Element profile = (Element) profiles.item(i);
            if (text(profile, "id").equals(id)) {
                return profile;
            }
        }
        throw new AssertionError("no profile " + id);
    }

    private static String text(Element parent, String tag) {
        return parent.getElementsByTagName(tag).item(0).getTextContent().trim();
    }

    private static List<String> dependencies(Element profile) {
        List<String> coordinates = new ArrayList<>();
        NodeList dependencies = profile.getElementsByTagName("dependency");
        for (int i = 0; i < dependencies.getLength(); i++) {
            Element d = (Element) dependencies.item(i);
            String classifier = d.getElementsByTagName("classifier").getLength() > 0 ? ":" + text(d, "classifier") : "";
            coordinates.add(text(d, "groupId") + ":" + text(d, "artifactId") + ":" + text(d, "version") + classifier);
        }
        return coordinates;
    }

    @Test
    void cudaReplacesTheCpuBackendWithTheSameNd4jVersion() throws Exception {
        Document pom = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(Path.of("pom.xml").toFile());
        Element cuda = profile(pom, "cuda");
        Element cpu = profile(pom, "cpu");
        assertEquals("cuda", text(cuda, "name"), "-Dcuda switches the CUDA profile on");
        assertEquals("!cuda", text(cpu, "name"), "and the CPU backend off");
        assertEquals(List.of("org.nd4j:nd4j-cuda-11.6:${nd4j.version}"), dependencies(cuda));
        assertEquals("org.nd4j:nd4j-native:${nd4j.version}", dependencies(cpu).get(0));
        String version = text((Element) pom.getElementsByTagName("properties").item(0), "nd4j.version");
        assertEquals(Nd4jRuntime.configureThisThread().version(), version, "the backends are those of the ND4J API in use");
    }
}
