package io.github.nmsparse.engine.network;

import java.util.Arrays;

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
}
