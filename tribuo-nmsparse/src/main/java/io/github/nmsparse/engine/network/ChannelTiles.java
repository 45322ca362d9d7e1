package io.github.nmsparse.engine.network;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Tiles of values laid out as positions x channels (channels innermost), for loops that combine each value with its
 * channel's parameters. Such a loop indexes the data at an offset and the per-channel arrays from 0, and then C2
 * cannot tell the arrays apart and leaves it scalar. Copied a tile at a time into arrays indexed from 0, next to the
 * per-channel values repeated over a tile, the same arithmetic is vectorized: batch normalization ran about 2x
 * faster this way (BENCHMARKS.md), copies included.
 */
final class ChannelTiles {

    /** Values per tile, about: a tile and its companions stay in the L1 cache. */
    private static final int TILE_VALUES = 1024;

    private final int channels;
    /** Values in one tile: whole positions. */
    final int length;

    /** @param channels values per position */
    ChannelTiles(int channels) {
        this(channels, Math.max(1, TILE_VALUES / channels));
    }

    /**
     * @param channels  values per position
     * @param positions positions per tile
     */
    ChannelTiles(int channels, int positions) {
        this.channels = channels;
        this.length = Math.multiplyExact(positions, channels);
    }

    /** @return the per-channel values repeated over a tile: value j of a tile belongs with value j of this */
    float[] repeat(float[] perChannel) {
        float[] repeated = new float[length];
        for (int j = 0; j < length; j++) {
            repeated[j] = perChannel[j % channels];
        }
        return repeated;
    }

    /** Writes each channel's total of a tile of sums, added in float in position order. */
    void sumByChannel(float[] tileSums, float[] totals) {
        Arrays.fill(totals, 0f);
        for (int j = 0; j < length; j++) {
            totals[j % channels] += tileSums[j];
        }
    }

    /** Adds each value of a tile of sums into its channel's total. */
    void addByChannel(float[] tileSums, double[] totals) {
        for (int j = 0; j < length; j++) {
            totals[j % channels] += tileSums[j];
        }
    }

    /** @return a pass over the first {@code total} values of arrays laid out as these tiles are */
    Pass pass(int total) {
        return new Pass(total);
    }

    /** The work on one tile: values 0 to {@code length - 1} of the tile buffers its {@link Pass} handed out. */
    @FunctionalInterface
    interface TileKernel {
        void apply(int length);
    }

    /**
     * One pass over arrays, a tile at a time. Each array read is copied into its tile buffer before the kernel runs
     * on the tile, and each array written is copied out of its buffer after, so the kernel indexes every array from 0.
     */
    final class Pass {
        private final int total;
        private final List<float[]> sources = new ArrayList<>();
        private final List<float[]> sourceTiles = new ArrayList<>();
        private final List<float[]> targets = new ArrayList<>();
        private final List<float[]> targetTiles = new ArrayList<>();

        private Pass(int total) {
            this.total = total;
        }

        /** @return the tile buffer that holds, during each kernel call, the current tile of {@code source} */
        float[] read(float[] source) {
            float[] tile = new float[length];
            sources.add(source);
            sourceTiles.add(tile);
            return tile;
        }

        /** @return the tile buffer that the kernel fills, copied after each call into the current tile of {@code target} */
        float[] write(float[] target) {
            float[] tile = new float[length];
            targets.add(target);
            targetTiles.add(tile);
            return tile;
        }

        /** @return the tile buffer for an array that the kernel both reads and writes */
        float[] update(float[] array) {
            float[] tile = read(array);
            targets.add(array);
            targetTiles.add(tile);
            return tile;
        }

        /** Runs {@code kernel} on each tile in order; the last tile may be partial. */
        void run(TileKernel kernel) {
            // Arrays typed float[] rather than the lists' Object let each copy skip its type checks.
            float[][] from = sources.toArray(new float[0][]);
            float[][] fromTiles = sourceTiles.toArray(new float[0][]);
            float[][] to = targets.toArray(new float[0][]);
            float[][] toTiles = targetTiles.toArray(new float[0][]);
            for (int start = 0; start < total; start += length) {
                int tileLength = Math.min(length, total - start);
                for (int i = 0; i < from.length; i++) {
                    System.arraycopy(from[i], start, fromTiles[i], 0, tileLength);
                }
                kernel.apply(tileLength);
                for (int i = 0; i < to.length; i++) {
                    System.arraycopy(toTiles[i], 0, to[i], start, tileLength);
                }
            }
        }
    }
}
