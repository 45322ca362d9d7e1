package io.github.nmsparse.core;

import org.junit.jupiter.api.Test;

import java.nio.FloatBuffer;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which kernel multiplies compressed N:M matrices by vectors, and what each holds. (CompressedNMTest checks their sums.) */
class NMKernelsTest {

    private static final NMLayout README_FIRST_LAYER = new NMLayout(256, 784, new NMPattern(2, 4));

    private static CompressedNM readmeFirstLayer() {
        SplittableRandom random = new SplittableRandom(7);
        float[] w = new float[(int) README_FIRST_LAYER.size()];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) random.nextGaussian();
        }
        NMMask.of(FloatBuffer.wrap(w), README_FIRST_LAYER).apply(FloatBuffer.wrap(w), FloatBuffer.wrap(w));
        return CompressedNM.compress(FloatBuffer.wrap(w), README_FIRST_LAYER);
    }

    @Test
    void theLaneKernelsAreChosenWithTheVectorModuleAndWideVectors() {
        boolean lanes = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()
                && (NMKernels.preferredLanes() == 8 || NMKernels.preferredLanes() == 16);
        boolean permutes = Runtime.version().feature() >= NMKernels.PERMUTES_FROM_JAVA;
        String width = " (" + NMKernels.preferredLanes() + " floats)";
        assertEquals(!lanes ? "row gather" : permutes ? "lane permute" + width : "lane blend" + width,
                readmeFirstLayer().vectorProduct().kernel());
        NMLayout wideGroups = new NMLayout(4, 32, new NMPattern(1, 16));
        String kernel = CompressedNM.compress(FloatBuffer.allocate(128), wideGroups).vectorProduct().kernel();
        assertEquals(lanes && permutes ? "lane permute" + width : "row gather", kernel, "groups of 16 columns");
    }

    @Test
    void theTestsRunWithTheVectorModuleSoThatTheLaneKernelsAreChecked() {
        CompressedNM layer = readmeFirstLayer();
        assertTrue(NMKernels.permute(README_FIRST_LAYER, layer.values(), layer.slotColumns()).isPresent()
                        && NMKernels.blend(README_FIRST_LAYER, layer.values(), layer.slotColumns()).isPresent(),
                "the surefire argLine adds jdk.incubator.vector, so CompressedNMTest checks the lane kernels");
    }

    @Test
    void theRowGatherKernelAddsTwoBytesASlotUpTo65536Columns() {
        CompressedNM layer = readmeFirstLayer();
        long slots = layer.values().length;
        assertEquals(2 * slots, new RowGatherKernel(README_FIRST_LAYER, layer.values(), layer.slotColumns()).addedBytes());
        NMLayout wide = new NMLayout(1, 70_000, new NMPattern(2, 4));
        CompressedNM wideLayer = CompressedNM.compress(FloatBuffer.allocate(70_000), wide);
        assertEquals(4L * wideLayer.values().length,
                new RowGatherKernel(wide, wideLayer.values(), wideLayer.slotColumns()).addedBytes());
    }

    /**
     * For 2:4 every row keeps half of each chunk of a vector's width, so the permute kernel pads no step: 5 bytes a
     * slot. The blend kernel holds 8.
     */
    @Test
    void whatTheLaneKernelsHold() {
        CompressedNM layer = readmeFirstLayer();
        long slots = layer.values().length;
        int lanes = NMKernels.preferredLanes();
        long steps = (256L / lanes) * ((784 + lanes - 1) / lanes);
        NMKernel permute = NMKernels.permute(README_FIRST_LAYER, layer.values(), layer.slotColumns()).orElseThrow();
        assertEquals(5 * slots + 4 * (steps + 1), permute.addedBytes(), lanes + " lanes");
        NMKernel blend = NMKernels.blend(README_FIRST_LAYER, layer.values(), layer.slotColumns()).orElseThrow();
        assertEquals(8 * slots, blend.addedBytes(), lanes + " lanes");
    }
}
