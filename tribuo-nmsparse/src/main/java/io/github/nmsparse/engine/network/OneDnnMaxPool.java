package io.github.nmsparse.engine.network;

import org.bytedeco.dnnl.dnnl_exec_arg_t;
import org.bytedeco.dnnl.dnnl_memory;
import org.bytedeco.dnnl.dnnl_memory_desc_t;
import org.bytedeco.dnnl.dnnl_pooling_desc_t;
import org.bytedeco.dnnl.dnnl_primitive;
import org.bytedeco.dnnl.dnnl_primitive_desc;
import org.bytedeco.javacpp.BytePointer;
import org.nd4j.linalg.api.ndarray.INDArray;

import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_WORKSPACE;
import static org.bytedeco.dnnl.global.dnnl.dnnl_forward_inference;
import static org.bytedeco.dnnl.global.dnnl.dnnl_forward_training;
import static org.bytedeco.dnnl.global.dnnl.dnnl_memory_desc_get_size;
import static org.bytedeco.dnnl.global.dnnl.dnnl_nhwc;
import static org.bytedeco.dnnl.global.dnnl.dnnl_pooling_backward_desc_init;
import static org.bytedeco.dnnl.global.dnnl.dnnl_pooling_forward_desc_init;
import static org.bytedeco.dnnl.global.dnnl.dnnl_pooling_max;
import static org.bytedeco.dnnl.global.dnnl.dnnl_primitive_desc_query_md;
import static org.bytedeco.dnnl.global.dnnl.dnnl_query_workspace_md;

/**
 * Max pooling over QxQ windows Q apart as oneDNN's pooling primitives, on the engine's channels-last images. For
 * training the forward pass keeps where each maximum came from (oneDNN's workspace) and the backward pass routes the
 * gradient there; ND4J's maxpool2d_bp op ran the whole forward pass again to find out. An instance serves one batch
 * size, for training or for prediction.
 */
final class OneDnnMaxPool {

    private final OneDnn objects = OneDnn.forUser(this);
    private final dnnl_memory source;
    private final dnnl_memory destination;
    private final dnnl_primitive forward;
    private final dnnl_exec_arg_t forwardArguments;
    private final int forwardCount;
    /** For training: the workspace, and the backward primitive over it. */
    private final dnnl_memory workspace;
    private final dnnl_primitive backward;
    private final dnnl_exec_arg_t backwardArguments;

    /**
     * @param window   the window's size and stride
     * @param input    the input shape
     * @param output   the output shape
     * @param rows     the batch size
     * @param training whether backward passes follow
     */
    OneDnnMaxPool(int window, Shape input, Shape output, int rows, boolean training) {
        dnnl_memory_desc_t in = objects.layout(new long[] {rows, input.channels(), input.height(), input.width()}, dnnl_nhwc);
        dnnl_memory_desc_t out = objects.layout(new long[] {rows, output.channels(), output.height(), output.width()}, dnnl_nhwc);
        long[] strides = {window, window};
        long[] kernel = {window, window};
        long[] padding = {0, 0};
        // What is left over at the bottom and right edges is dropped, as a negative right padding tells oneDNN.
        long[] paddingRight = {(long) output.height() * window - input.height(), (long) output.width() * window - input.width()};
        dnnl_pooling_desc_t desc = objects.keep(new dnnl_pooling_desc_t());
        OneDnn.check(dnnl_pooling_forward_desc_init(desc, training ? dnnl_forward_training : dnnl_forward_inference, dnnl_pooling_max, in, out,
                strides, kernel, padding, paddingRight), "describing a max pooling");
        dnnl_primitive_desc implementation = objects.implementation(desc, null);
        forward = objects.primitive(implementation);
        source = objects.memory(in, null);
        destination = objects.memory(out, null);
        if (!training) {
            workspace = null;
            backward = null;
            backwardArguments = null;
            forwardCount = 2;
            forwardArguments = objects.arguments(new int[] {DNNL_ARG_SRC, DNNL_ARG_DST}, new dnnl_memory[] {source, destination});
            return;
        }
        dnnl_memory_desc_t workspaceLayout = dnnl_primitive_desc_query_md(implementation, dnnl_query_workspace_md, 0);
        workspace = objects.memory(workspaceLayout, objects.keep(new BytePointer(dnnl_memory_desc_get_size(workspaceLayout))));
        forwardCount = 3;
        forwardArguments = objects.arguments(new int[] {DNNL_ARG_SRC, DNNL_ARG_DST, DNNL_ARG_WORKSPACE},
                new dnnl_memory[] {source, destination, workspace});
        dnnl_pooling_desc_t backwardDesc = objects.keep(new dnnl_pooling_desc_t());
        OneDnn.check(dnnl_pooling_backward_desc_init(backwardDesc, dnnl_pooling_max, in, out, strides, kernel, padding, paddingRight),
                "describing a max pooling's gradient");
        backward = objects.primitive(objects.implementation(backwardDesc, implementation));
        // The backward pass reads dLoss/d(output) where the forward pass wrote its output, and writes where it read.
        backwardArguments = objects.arguments(new int[] {DNNL_ARG_DIFF_DST, DNNL_ARG_WORKSPACE, DNNL_ARG_DIFF_SRC},
                new dnnl_memory[] {destination, workspace, source});
    }

    /** Writes each window's maximum of {@code x} into {@code y}. */
    synchronized void forward(INDArray x, INDArray y) {
        objects.bind(source, x);
        objects.bind(destination, y);
        objects.execute(forward, forwardArguments, forwardCount);
    }

    /** Writes dLoss/dx into {@code dx}: each output's gradient where its maximum was in the last forward pass, else 0. */
    synchronized void backward(INDArray dy, INDArray dx) {
        if (backward == null) {
            throw new IllegalStateException("this max pooling was built for prediction, not for training");
        }
        objects.bind(destination, dy);
        objects.bind(source, dx);
        objects.execute(backward, backwardArguments, 3);
    }
}
