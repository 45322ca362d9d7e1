package io.github.nmsparse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.oracle.labs.mlrg.olcut.config.ConfigurationManager;
import io.github.nmsparse.engine.Executor;
import io.github.nmsparse.engine.network.Activation;
import io.github.nmsparse.experiment.Method;
import io.github.nmsparse.tribuo.NMSparseTrainer;
import io.github.nmsparse.tribuo.OutputAdapter;
import org.junit.jupiter.api.Test;
import org.tribuo.Model;
import org.tribuo.Trainer;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.xml.parsers.DocumentBuilderFactory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** plugin-descriptor/nmsparse-plugin.json says what the code and the pom say. */
class PluginJsonDescriptorTest {

    private static final Path DESCRIPTOR = Path.of("plugin-descriptor/nmsparse-plugin.json");

    /** @return the text of the project's own element (a child of the root, not of its parent section), or a property */
    private static String pomText(Document pom, String tag) {
        NodeList children = pom.getDocumentElement().getChildNodes();
        for (int i = 0; i < children.getLength(); i++) {
            if (children.item(i) instanceof Element element && element.getTagName().equals(tag)) {
                return element.getTextContent().trim();
            }
        }
        return ((Element) pom.getDocumentElement().getElementsByTagName(tag).item(0)).getTextContent().trim();
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(node -> out.add(node.asText()));
        return out;
    }

    @Test
    void theDescriptorMatchesTheCodeAndThePom() throws Exception {
        JsonNode json = new ObjectMapper().readTree(DESCRIPTOR.toFile());
        Document pom = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(Path.of("pom.xml").toFile());
        Document plugin = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(Path.of("tribuo-nmsparse/pom.xml").toFile());
        assertEquals(pomText(plugin, "artifactId"), json.get("name").asText());
        assertEquals(json.get("artifactId").asText(), json.get("name").asText());
        assertEquals(pomText(pom, "groupId"), json.get("groupId").asText());
        assertEquals(pomText(pom, "version"), json.get("version").asText());
        assertEquals(pomText(pom, "tribuo.version"), json.get("tribuoVersion").asText());
        assertEquals(pomText(pom, "nd4j.version"), json.get("nd4jVersion").asText());

        assertTrue(Trainer.class.isAssignableFrom(Class.forName(json.get("trainer").asText())));
        assertTrue(Model.class.isAssignableFrom(Class.forName(json.get("model").asText())));
        List<String> methods = new ArrayList<>();
        for (JsonNode method : json.get("methods")) {
            methods.add(method.get("name").asText());
            assertEquals(Method.named(method.get("name").asText()).type().getName(), method.get("component").asText());
        }
        assertEquals(Method.ALL.stream().map(Method::name).toList(), methods);
        for (JsonNode optimizer : json.get("optimizers")) {
            assertEquals(io.github.nmsparse.cli.TrainTestAccess.optimizer(optimizer.get("name").asText()).getName(),
                    optimizer.get("component").asText());
        }
        assertEquals(Arrays.stream(Activation.values()).map(Enum::name).toList(), texts(json.get("activations")));

        for (JsonNode type : json.get("outputTypes")) {
            OutputAdapter<?> adapter = (OutputAdapter<?>) Class.forName(type.get("adapter").asText()).getDeclaredConstructor().newInstance();
            assertEquals(type.get("outputType").asText(), adapter.outputFactory().getUnknownOutput().getClass().getName());
        }

        String pomSource = Files.readString(Path.of("pom.xml"));
        for (JsonNode backend : json.get("backends")) {
            String artifactId = backend.get("artifact").asText().split(":")[1];
            assertTrue(pomSource.contains("<artifactId>" + artifactId + "</artifactId>"), artifactId);
        }
        NodeList profiles = pom.getElementsByTagName("profile");
        Set<String> profileIds = new HashSet<>();
        for (int i = 0; i < profiles.getLength(); i++) {
            profileIds.add(((Element) profiles.item(i)).getElementsByTagName("id").item(0).getTextContent());
        }
        assertTrue(profileIds.containsAll(Set.of("cpu", "cuda")), profileIds.toString());
        List<String> executors = new ArrayList<>();
        json.get("executors").forEach(e -> executors.add(e.asText()));
        assertEquals(Arrays.stream(Executor.values()).map(Enum::name).toList(), executors);

        for (JsonNode configuration : json.get("configurations")) {
            Path file = DESCRIPTOR.resolveSibling(configuration.get("file").asText());
            ConfigurationManager cm = new ConfigurationManager(file.toString());
            Set<String> declared = componentsOfType(cm, NMSparseTrainer.class.getName());
            Set<String> listed = new HashSet<>();
            for (JsonNode trainer : configuration.get("trainers")) {
                String name = trainer.get("name").asText();
                listed.add(name);
                NMSparseTrainer<?> loaded = (NMSparseTrainer<?>) cm.lookup(name);
                assertEquals(trainer.get("outputType").asText(), loaded.outputFactory().getUnknownOutput().getClass().getName(), name);
                assertTrue(loaded.toString().contains("method=" + Method.named(trainer.get("method").asText()).type().getSimpleName() + "("),
                        name + ": " + loaded);
            }
            assertEquals(declared, listed, "every trainer of " + file + " is listed, and only those");
        }
        JsonNode grids = json.get("experimentGrids");
        ConfigurationManager gridConfig = new ConfigurationManager(DESCRIPTOR.resolveSibling(grids.get("file").asText()).toString());
        Set<String> declaredGrids = componentsOfType(gridConfig, grids.get("type").asText());
        Set<String> listedGrids = new HashSet<>();
        grids.get("grids").forEach(grid -> listedGrids.add(grid.asText()));
        assertEquals(declaredGrids, listedGrids, "every experiment grid is listed, and only those");
        listedGrids.forEach(gridConfig::lookup);
        Set<String> declaredStudies = componentsOfType(gridConfig, grids.get("studyType").asText());
        Set<String> listedStudies = new HashSet<>();
        grids.get("studies").forEach(study -> listedStudies.add(study.asText()));
        assertEquals(declaredStudies, listedStudies, "every study is listed, and only those");
        listedStudies.forEach(gridConfig::lookup);
        Class.forName(json.get("commands").get("mainClass").asText()).getMethod("main", String[].class);
    }

    /** @return the names of a configuration's components of one class */
    private static Set<String> componentsOfType(ConfigurationManager cm, String className) {
        Set<String> names = new HashSet<>();
        for (String name : cm.getComponentNames()) {
            if (cm.getConfigurationData(name).orElseThrow().getClassName().equals(className)) {
                names.add(name);
            }
        }
        return names;
    }
}
