package io.github.nmsparse.cli;

import java.util.Arrays;

/**
 * The command line's entry point. With no command, or with {@code train}, it runs {@link TrainTest}; {@code
 * reproduce MODEL_FILE} runs {@link Reproduce}; {@code experiment} runs {@link Experiment}; {@code report} runs
 * {@link Report}.
 */
public final class Main {

    private Main() {
    }

    /**
     * @param args a command and its arguments
     */
    public static void main(String[] args) {
        String command = args.length == 0 || args[0].startsWith("-") ? "train" : args[0];
        String[] rest = args.length == 0 || args[0].startsWith("-") ? args : Arrays.copyOfRange(args, 1, args.length);
        switch (command) {
            case "train" -> TrainTest.main(rest);
            case "reproduce" -> Reproduce.main(rest);
            case "experiment" -> Experiment.main(rest);
            case "report" -> Report.main(rest);
            default -> {
                System.err.println("error: unknown command '" + command + "'; the commands are: train (the default), "
                        + "reproduce MODEL_FILE, experiment [options], report MODEL_FILE|EXPERIMENT_DIR|STUDY_DIR OUT_DIR");
                System.exit(1);
            }
        }
    }
}
