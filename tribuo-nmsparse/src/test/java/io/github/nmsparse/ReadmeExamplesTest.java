package io.github.nmsparse;

import com.oracle.labs.mlrg.olcut.config.ConfigurationManager;
import io.github.nmsparse.engine.EpochRecord;
import io.github.nmsparse.engine.method.SrSte;
import io.github.nmsparse.tribuo.LabelAdapter;
import io.github.nmsparse.tribuo.NMSparseModel;
import io.github.nmsparse.tribuo.NMSparseTrainer;
import io.github.nmsparse.tribuo.ShippedData;
import io.github.nmsparse.tribuo.SparsityProvenance;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tribuo.Dataset;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.classification.evaluation.LabelEvaluation;
import org.tribuo.classification.evaluation.LabelEvaluator;
import org.tribuo.data.csv.CSVLoader;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The README's examples are this file's code and a configuration this test loads, so they cannot drift. */
class ReadmeExamplesTest {

    private static final Path README = Path.of("README.md");
    private static final Path THIS_FILE = Path.of("tribuo-nmsparse/src/test/java/io/github/nmsparse/ReadmeExamplesTest.java");

    /** The Java API example: load data, train, evaluate, read SAD from provenance. */
    @Test
    void javaApiExample() throws IOException {
        // README:java-api
        CSVLoader<Label> loader = new CSVLoader<>(new LabelFactory());
        Dataset<Label> train = new MutableDataset<>(loader.loadDataSource(Path.of("datasets/digits/digits-train.csv"), "digit"));
        Dataset<Label> test = new MutableDataset<>(loader.loadDataSource(Path.of("datasets/digits/digits-test.csv"), "digit"));

        NMSparseTrainer<Label> trainer = NMSparseTrainer.builder(new LabelAdapter())
                .pattern("2:4").method(new SrSte()).hiddenSizes(256, 128).epochs(30).seed(42)
                .build();
        NMSparseModel<Label> model = trainer.train(train);

        LabelEvaluation evaluation = new LabelEvaluator().evaluate(model, test);
        System.out.printf("accuracy %.3f%n", evaluation.accuracy());

        List<EpochRecord> history = SparsityProvenance.history(model.getProvenance());
        for (EpochRecord epoch : history) {
            System.out.printf("epoch %d: loss %.4f, SAD %d (%.2f%% of maskable weights)%n",
                    epoch.epoch(), epoch.loss(), epoch.sad(), 100 * epoch.sadFraction());
        }
        // README:end
        assertTrue(evaluation.accuracy() >= 0.9, "accuracy " + evaluation.accuracy());
        assertEquals(30, history.size());
    }

    @Test
    void theReadmeShowsTheJavaExampleVerbatim() throws IOException {
        String source = Files.readString(THIS_FILE);
        Matcher m = Pattern.compile("// README:java-api\\n(.*?)\\n\\s*// README:end", Pattern.DOTALL).matcher(source);
        assertTrue(m.find());
        String code = m.group(1).lines().map(line -> line.length() >= 8 ? line.substring(8) : line.strip())
                .collect(Collectors.joining("\n"));
        assertEquals(code, block("java-api"), "README.md's Java example differs from ReadmeExamplesTest.javaApiExample");
    }

    @Test
    void theReadmeConfigurationLoadsAndTrains(@TempDir Path dir) throws IOException {
        Path config = dir.resolve("readme-config.xml");
        Files.writeString(config, block("config"));
        ConfigurationManager cm = new ConfigurationManager(config.toString());
        @SuppressWarnings("unchecked")
        NMSparseTrainer<Label> trainer = (NMSparseTrainer<Label>) cm.lookup("mlp-sr-ste-1-8");
        assertTrue(trainer.toString().contains("pattern=1:8"), trainer.toString());
        NMSparseModel<Label> model = trainer.train(ShippedData.digits("train"));
        assertTrue(new LabelEvaluator().evaluate(model, ShippedData.digits("test")).accuracy() > 0.85);
        assertEquals(8, SparsityProvenance.history(model.getProvenance()).size());
    }

    @Test
    void theReadmeShowsTheShippedResidualNetworkVerbatim() throws IOException {
        String shipped = Files.readString(Path.of("plugin-descriptor/nmsparse-trainers.xml"));
        Matcher m = Pattern.compile("\\n( *<component name=\"resnet-sr-ste-2-4\".*?</component>)", Pattern.DOTALL).matcher(shipped);
        assertTrue(m.find(), "plugin-descriptor/nmsparse-trainers.xml has no resnet-sr-ste-2-4");
        assertEquals(m.group(1).stripIndent().strip(), block("resnet"),
                "README.md's residual network differs from the plugin-descriptor component resnet-sr-ste-2-4");
    }

    /** @return the fenced block that follows {@code <!-- snippet: name -->} in the README */
    private static String block(String name) throws IOException {
        String readme = Files.readString(README);
        Matcher m = Pattern.compile("<!-- snippet: " + Pattern.quote(name) + " -->\\n```[a-z]*\\n(.*?)\\n```", Pattern.DOTALL).matcher(readme);
        assertTrue(m.find(), "README.md has no snippet '" + name + "'");
        return m.group(1);
    }
}
