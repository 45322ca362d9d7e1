package io.github.nmsparse.bench;

import io.github.nmsparse.engine.TrainingData;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * datasets/mnist-10k's training split as the benchmarks and the PyTorch peer see it: all 784 pixels scaled to
 * [0, 1], one-hot labels. (Tribuo's reader drops the pixels that are zero everywhere; the benchmark networks
 * are specified as 784 wide.)
 */
public final class MnistData {

    private MnistData() {
    }

    /** @return the training split, 784 pixels in [0, 1], one-hot labels */
    public static TrainingData train() throws IOException {
        Path dir = Path.of("datasets/mnist-10k");
        byte[] images = readIdx(dir.resolve("train-images-idx3-ubyte.gz"), 0x803);
        byte[] labels = readIdx(dir.resolve("train-labels-idx1-ubyte.gz"), 0x801);
        int rows = labels.length;
        float[] x = new float[rows * 784];
        float[] y = new float[rows * 10];
        for (int i = 0; i < x.length; i++) {
            x[i] = (images[i] & 0xff) / 255f;
        }
        for (int r = 0; r < rows; r++) {
            y[r * 10 + labels[r]] = 1f;
        }
        return new TrainingData(x, y, rows);
    }

    private static byte[] readIdx(Path file, int magic) throws IOException {
        try (InputStream raw = new GZIPInputStream(Files.newInputStream(file)); DataInputStream in = new DataInputStream(raw)) {
            if (in.readInt() != magic) {
                throw new IOException(file + " is not an IDX file of magic " + Integer.toHexString(magic));
            }
            int count = 1;
            for (int d = 0; d < (magic & 0xff); d++) {
                count *= in.readInt();
            }
            return in.readNBytes(count);
        }
    }
}
