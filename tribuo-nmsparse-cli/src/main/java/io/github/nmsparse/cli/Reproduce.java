package io.github.nmsparse.cli;

import io.github.nmsparse.tribuo.NMSparseModel;
import io.github.nmsparse.tribuo.Reproducer;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;

/**
 * {@code reproduce MODEL_FILE}: rebuilds a saved model's trainer and data from its provenance, retrains, and says
 * whether the new model is identical. Exits with 1 when it is not.
 */
final class Reproduce {

    private Reproduce() {
    }

    static void main(String[] args) {
        TrainTest.ConsoleLogging.install();
        if (args.length != 1) {
            System.err.println("usage: reproduce MODEL_FILE");
            System.exit(1);
        }
        try {
            System.exit(run(Path.of(args[0]), System.out) ? 0 : 1);
        } catch (IOException | IllegalArgumentException | IllegalStateException e) {
            System.err.println("error: " + e.getMessage());
            System.exit(1);
        }
    }

    /** @return whether the rebuilt model is identical */
    static boolean run(Path file, PrintStream out) throws IOException {
        NMSparseModel<?> model = NMSparseModel.load(file);
        out.printf("Reproducing %s from its provenance: %s on %s%n", file,
                model.getProvenance().getTrainerProvenance().getClassName(),
                model.getProvenance().getDatasetProvenance().getSourceProvenance().getClassName());
        Reproducer.Reproduction<?> reproduction = Reproducer.reproduce(model);
        out.print(reproduction.report());
        return reproduction.isIdentical();
    }
}
