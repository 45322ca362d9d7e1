package io.github.nmsparse.engine.network;

import org.bytedeco.dnnl.dnnl_eltwise_desc_t;
import org.bytedeco.dnnl.dnnl_exec_arg_t;
import org.bytedeco.dnnl.dnnl_memory;
import org.bytedeco.dnnl.dnnl_memory_desc_t;
import org.bytedeco.dnnl.dnnl_primitive;
import org.bytedeco.dnnl.dnnl_primitive_desc;
import org.nd4j.linalg.api.ndarray.INDArray;

import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC;
import static org.bytedeco.dnnl.global.dnnl.dnnl_a;
import static org.bytedeco.dnnl.global.dnnl.dnnl_eltwise_backward_desc_init;
import static org.bytedeco.dnnl.global.dnnl.dnnl_eltwise_forward_desc_init;
import static org.bytedeco.dnnl.global.dnnl.dnnl_eltwise_relu;
import static org.bytedeco.dnnl.global.dnnl.dnnl_forward_training;

/**
 * A ReLU as oneDNN's element-wise primitives, for values that are off the heap only (a convolution's or a pooling's
 * output, or their input gradients): they stay there for the next such block, with no copy to the heap and back.
 * The same numbers as the heap loop: {@code max(0, x)}, and the gradient passed where {@code x > 0} (oneDNN writes -0
 * for some inputs where the loop writes 0; they compare and compute alike). ND4J's own ReLU ops,
 * single-threaded here, were 1.5x (forward) and 2.5x (backward) slower than copying to the heap and looping there.
 * An instance serves one batch size.
 */
final class OneDnnRelu {

    private final OneDnn objects = OneDnn.forUser(this);
    private final dnnl_memory_desc_t layout;
    private dnnl_primitive_desc forwardImplementation;
    private Run forward;
    private Run backward;

    /** @param values the values of one batch */
    OneDnnRelu(long values) {
        this.layout = objects.layout(new long[] {values}, dnnl_a);
    }

    /** Writes max(0, x) into {@code y}. */
    synchronized void forward(INDArray x, INDArray y) {
        if (forward == null) {
            forward = new Run(forwardImplementation(), DNNL_ARG_SRC, DNNL_ARG_DST);
        }
        forward.run(x, y);
    }

    /** Writes dLoss/dx, {@code dy} where {@code x > 0} and 0 elsewhere, into {@code dx}. */
    synchronized void backward(INDArray x, INDArray dy, INDArray dx) {
        if (backward == null) {
            dnnl_eltwise_desc_t desc = objects.keep(new dnnl_eltwise_desc_t());
            OneDnn.check(dnnl_eltwise_backward_desc_init(desc, dnnl_eltwise_relu, layout, layout, 0f, 0f), "describing a ReLU's gradient");
            backward = new Run(objects.implementation(desc, forwardImplementation()), DNNL_ARG_SRC, DNNL_ARG_DIFF_DST, DNNL_ARG_DIFF_SRC);
        }
        backward.run(x, dy, dx);
    }

    /** @return the forward pass's implementation, which the backward pass's takes as its hint */
    private dnnl_primitive_desc forwardImplementation() {
        if (forwardImplementation == null) {
            dnnl_eltwise_desc_t desc = objects.keep(new dnnl_eltwise_desc_t());
            OneDnn.check(dnnl_eltwise_forward_desc_init(desc, dnnl_forward_training, dnnl_eltwise_relu, layout, 0f, 0f), "describing a ReLU");
            forwardImplementation = objects.implementation(desc, null);
        }
        return forwardImplementation;
    }

    /** A primitive and its arguments, each bound to the caller's array on every run. */
    private final class Run {
        private final dnnl_primitive primitive;
        private final dnnl_memory[] memories;
        private final dnnl_exec_arg_t arguments;

        Run(dnnl_primitive_desc implementation, int... ids) {
            primitive = objects.primitive(implementation);
            memories = new dnnl_memory[ids.length];
            for (int i = 0; i < ids.length; i++) {
                memories[i] = objects.memory(layout, null);
            }
            arguments = objects.arguments(ids, memories);
        }

        void run(INDArray... arrays) {
            for (int i = 0; i < arrays.length; i++) {
                objects.bind(memories[i], arrays[i]);
            }
            objects.execute(primitive, arguments, memories.length);
        }
    }
}
