package io.github.nmsparse.experiment;

import com.oracle.labs.mlrg.olcut.config.Config;
import com.oracle.labs.mlrg.olcut.config.Configurable;
import com.oracle.labs.mlrg.olcut.config.PropertyException;

import java.util.HashSet;
import java.util.List;

/**
 * A study: several experiment grids, each a setting of its own (a network trained with an optimizer), whose claims
 * a report compares side by side. Each grid runs into its own directory and keeps its own results, so a study resumes
 * as its grids do.
 */
public final class ExperimentStudy implements Configurable {

    @Config(mandatory = true, description = "Names of the grid components, one per setting (a network trained with an optimizer).")
    private List<String> grids;

    @Config(description = "How reports name each grid's setting, in the order of grids, e.g. 'MLP, SGD'; empty uses the grid names.")
    private List<String> labels = List.of();

    @Config(description = "A Markdown file, relative to the working directory, that the results document includes after the verdicts; empty for none.")
    private String discussion = "";

    /** For OLCUT. */
    private ExperimentStudy() {
    }

    /** @throws PropertyException naming the bad setting */
    @Override
    public void postConfig() {
        if (grids.isEmpty()) {
            throw new PropertyException("", "grids", "grids must name at least one grid component");
        }
        if (new HashSet<>(grids).size() != grids.size()) {
            throw new PropertyException("", "grids", "grids names a grid twice: " + grids);
        }
        if (!labels.isEmpty() && labels.size() != grids.size()) {
            throw new PropertyException("", "labels", "labels must be empty or give one label per grid: " + labels.size()
                    + " labels for " + grids.size() + " grids");
        }
        if (new HashSet<>(labels).size() != labels.size()) {
            throw new PropertyException("", "labels", "labels names a setting twice, so its chart series would overwrite each other: " + labels);
        }
    }

    /** @return the grid component names, in order */
    public List<String> grids() {
        return List.copyOf(grids);
    }

    /**
     * @param index a grid's position in {@link #grids()}
     * @return how reports name that grid's setting
     */
    public String label(int index) {
        return labels.isEmpty() ? grids.get(index) : labels.get(index);
    }

    /** @return the discussion file to include, or empty for none */
    public String discussion() {
        return discussion;
    }
}
