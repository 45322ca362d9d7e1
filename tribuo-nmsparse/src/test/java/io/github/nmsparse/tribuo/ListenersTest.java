package io.github.nmsparse.tribuo;

import com.oracle.labs.mlrg.olcut.config.ConfigurationManager;
import com.oracle.labs.mlrg.olcut.provenance.ConfiguredObjectProvenance;
import com.oracle.labs.mlrg.olcut.provenance.ListProvenance;
import io.github.nmsparse.engine.EpochCsvLog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tribuo.classification.Label;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Listeners a trainer takes from its configuration: trained with, recorded in the provenance, rebuilt from it. */
class ListenersTest {

    @Test
    void aConfiguredListenerHearsEveryEpochAndIsInTheProvenance(@TempDir Path dir) throws Exception {
        Path csv = dir.resolve("history.csv");
        Path config = dir.resolve("trainers.xml");
        Files.writeString(config, """
                <?xml version="1.0" encoding="UTF-8"?>
                <config>
                    <component name="adapter" type="io.github.nmsparse.tribuo.LabelAdapter"/>
                    <component name="csv" type="io.github.nmsparse.engine.EpochCsvLog">
                        <property name="path" value="%s"/>
                    </component>
                    <component name="trainer" type="io.github.nmsparse.tribuo.NMSparseTrainer">
                        <property name="outputAdapter" value="adapter"/>
                        <propertylist name="hiddenSizes">
                            <item>16</item>
                        </propertylist>
                        <property name="epochs" value="3"/>
                        <propertylist name="listeners">
                            <item>csv</item>
                        </propertylist>
                    </component>
                </config>
                """.formatted(csv));
        @SuppressWarnings("unchecked")
        NMSparseTrainer<Label> trainer = (NMSparseTrainer<Label>) new ConfigurationManager(config.toString()).lookup("trainer");
        NMSparseModel<Label> model = trainer.train(ShippedData.digits("train"));

        List<String> lines = Files.readAllLines(csv);
        assertEquals("epoch,loss,accuracy,validationLoss,validationAccuracy,learningRate,sad,sadFraction,sadToInitial,sadToFinal,flips,layerSad,layerSadToInitial,"
                + "layerSadToFinal,layerFlips,seconds", lines.get(0), "the columns are the epoch record's fields, from its codec");
        assertEquals(4, lines.size(), "a header and one line per epoch");
        assertTrue(lines.get(3).startsWith("3,"), lines.get(3));
        assertEquals(model.history().get(2).sad(), Long.parseLong(lines.get(3).split(",")[6]), "the same SAD as the model's history");

        var listeners = (ListProvenance<?>) model.getProvenance().getTrainerProvenance().getConfiguredParameters().get("listeners");
        assertEquals(EpochCsvLog.class.getName(), ((ConfiguredObjectProvenance) listeners.getList().get(0)).getClassName());
        assertEquals(model.getProvenance().getTrainerProvenance(),
                Reproducer.rebuildTrainer(model.getProvenance().getTrainerProvenance()).getProvenance(),
                "the trainer, its listener included, is rebuilt from the provenance");
    }
}
