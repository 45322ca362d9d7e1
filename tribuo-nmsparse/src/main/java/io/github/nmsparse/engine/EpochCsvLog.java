package io.github.nmsparse.engine;

import com.oracle.labs.mlrg.olcut.config.Config;
import com.oracle.labs.mlrg.olcut.config.PropertyException;
import com.oracle.labs.mlrg.olcut.provenance.ConfiguredObjectProvenance;
import com.oracle.labs.mlrg.olcut.provenance.impl.ConfiguredObjectProvenanceImpl;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * A listener that keeps the run's history in a CSV file, one line per epoch with every field of the epoch record
 * (per-layer lists joined by semicolons), rewritten after each epoch: a file to plot from while training runs. The
 * columns come from the record's own codec, so a new measure appears here without a change. A resumed run rewrites
 * the whole history, epochs before the checkpoint included.
 */
public final class EpochCsvLog implements ConfigurableListener {

    @Config(mandatory = true, description = "The CSV file to write the history to; replaced after each epoch.")
    private String path;

    /** For OLCUT. */
    private EpochCsvLog() {
    }

    /**
     * @param path the CSV file to write the history to
     * @throws PropertyException when the path is empty
     */
    public EpochCsvLog(Path path) {
        this.path = path.toString();
        postConfig();
    }

    /** @throws PropertyException when the path is empty */
    @Override
    public void postConfig() {
        if (path == null || path.isBlank()) {
            throw new PropertyException("", "path", "path must name the CSV file to write");
        }
    }

    @Override
    public void onEpochEnd(TrainingRun run) throws IOException {
        List<String> lines = new ArrayList<>();
        List<String> header = new ArrayList<>();
        for (EpochRecord record : run.history()) {
            List<String> values = new ArrayList<>();
            record.writeTo(new EpochRecord.Sink<RuntimeException>() {
                @Override
                public void putInt(String name, int value) {
                    add(name, Integer.toString(value));
                }

                @Override
                public void putLong(String name, long value) {
                    add(name, Long.toString(value));
                }

                @Override
                public void putDouble(String name, double value) {
                    add(name, String.format(Locale.ROOT, "%.9g", value));
                }

                @Override
                public void putLongs(String name, List<Long> list) {
                    add(name, list.stream().map(Object::toString).collect(Collectors.joining(";")));
                }

                private void add(String name, String value) {
                    if (lines.isEmpty()) {
                        header.add(name);
                    }
                    values.add(value);
                }
            });
            if (lines.isEmpty()) {
                lines.add(String.join(",", header));
            }
            lines.add(String.join(",", values));
        }
        Path file = Path.of(path);
        Path partial = file.resolveSibling(file.getFileName() + ".partial");
        if (file.toAbsolutePath().getParent() != null) {
            Files.createDirectories(file.toAbsolutePath().getParent());
        }
        Files.write(partial, lines, StandardCharsets.UTF_8);
        Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    @Override
    public ConfiguredObjectProvenance getProvenance() {
        return new ConfiguredObjectProvenanceImpl(this, "listener");
    }
}
