package io.github.nmsparse.engine.network;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The ReLU on oneDNN's primitives, which a ReLU block runs on values that are off the heap only, computes the heap
 * loop's values exactly, forward and backward (oneDNN writes -0 where the loop writes 0, the same number); and a ReLU
 * block after a convolution on oneDNN takes that path.
 */
class OneDnnReluTest {

    @Test
    void matchesTheHeapLoopBitForBit() {
        assertTrue(Nd4jRuntime.oneDnn(), "oneDNN is on the tests' class path on Linux x86_64");
        int n = 4099;
        SplittableRandom rng = new SplittableRandom(7);
        float[] x = new float[n];
        float[] dy = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = i % 5 == 0 ? 0f : i % 7 == 0 ? -0f : (float) rng.nextGaussian();
            dy[i] = (float) rng.nextGaussian();
        }
        OneDnnRelu relu = new OneDnnRelu(n);
        INDArray y = HostMemory.upload(new float[n], 1, n);
        INDArray dx = HostMemory.upload(new float[n], 1, n);
        relu.forward(HostMemory.upload(x, 1, n), y);
        relu.backward(HostMemory.upload(x, 1, n), HostMemory.upload(dy, 1, n), dx);
        float[] expectedY = new float[n];
        float[] expectedDx = new float[n];
        Activation.RELU.forward(x, expectedY, n);
        Activation.RELU.backward(x, expectedY, dy, expectedDx, n);
        assertSameNumbers(expectedY, HostMemory.read(y));
        assertSameNumbers(expectedDx, HostMemory.read(dx));
    }

    /** Equal as numbers: == on floats, which takes -0 for 0 and nothing else. */
    private static void assertSameNumbers(float[] expected, float[] actual) {
        assertEquals(expected.length, actual.length);
        for (int i = 0; i < expected.length; i++) {
            assertTrue(expected[i] == actual[i], "value " + i + ": expected " + expected[i] + ", got " + actual[i]);
        }
    }

    @Test
    void aReluAfterAConvolutionRunsOffTheHeap() {
        Shape image = new Shape(2, 6, 6);
        Chain chain = Chain.build(image, java.util.List.of(BlockGrammar.parse("conv 4x3p1"), BlockGrammar.parse("relu")),
                new Init(new SplittableRandom(1), null, Architecture.builder(image).blocks("conv 4x3p1, relu, flatten").output(2, false).build()
                        .initialization()));
        Object[] buffers = chain.buffers(3, true);
        Tensor x = new Tensor(3, image);
        java.util.Arrays.fill(x.writeHeap(), 0.5f);
        Tensor convolved = chain.blocks.get(0).forward(x, buffers[0], true);
        assertTrue(convolved.offHeapOnly(), "the convolution's output is off the heap only");
        Tensor rectified = chain.blocks.get(1).forward(convolved, buffers[1], true);
        assertTrue(rectified.offHeapOnly(), "the ReLU ran off the heap, leaving its output there");
    }
}
