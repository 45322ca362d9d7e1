#!/usr/bin/env python3
"""PyTorch peer of EndToEndBenchmark: the same networks, data, batch, optimizer, schedule and epochs, each trained end to
end (model built, then every step, warm-up included) and timed as a whole.

Networks (datasets/mnist-10k scaled to [0, 1]; AdamW; one epoch of linear warm-up then a cosine to 0 per step):
mlp 784-256-128-10, 30 epochs, batch 128, lr 2e-3, weight decay 5e-4; mlp-wide 784-1024-1024-10, 5 epochs, same
settings; cnn, the plugin's cnn-sr-ste-2-4 shape (pytorch_cnn_peer), 8 epochs, same settings; resnet, the plugin's
resnet-sr-ste-2-4 (pytorch_resnet_peer), 8 epochs, batch 32, lr 5e-3, weight decay 1e-1 on weights only. SR-STE 2:4 is the
paper's reference form (per-step topk mask, straight-through gradient plus lambda_w * (1 - mask) * W), on every sparse
layer: all but the output layer. It prints the BLAS PyTorch runs on and a 1024^3 matmul timed in the same run, then one
"RESULT network method seconds" line per run.
Run with Debian's python3 (python3-torch): /usr/bin/python3 scripts/pytorch_end_to_end.py [threads] [network ...]
"""
import math
import os
import re
import sys
import time

import torch

import pytorch_cnn_peer
import pytorch_peer
import pytorch_resnet_peer

NETWORKS = {
    # name: (builder(sparse), input shape, epochs, batch, lr, weight decay, decay weights only)
    "mlp": (lambda sparse: pytorch_peer.network([784, 256, 128, 10], (2, 4) if sparse else None), (784,), 30, 128, 2e-3, 5e-4, False),
    "mlp-wide": (lambda sparse: pytorch_peer.network([784, 1024, 1024, 10], (2, 4) if sparse else None), (784,), 5, 128, 2e-3, 5e-4,
                 False),
    "cnn": (pytorch_cnn_peer.network, (1, 28, 28), 8, 128, 2e-3, 5e-4, False),
    "resnet": (pytorch_resnet_peer.network, (1, 28, 28), 8, 32, 5e-3, 1e-1, True),
}


def train_seconds(build, sparse, x, y, epochs, batch, lr, weight_decay, weights_only):
    start = time.perf_counter()
    torch.manual_seed(1)
    model = build(sparse)
    optimizer, schedule = pytorch_peer.adamw_warmup_cosine(model, lr, weight_decay, weights_only, math.ceil(x.shape[0] / batch),
                                                           epochs)
    loss_fn = torch.nn.CrossEntropyLoss()
    model.train()
    loss = None
    for _ in range(epochs):
        loss = pytorch_peer.train_epoch(model, optimizer, loss_fn, x, y, batch, torch.randperm(x.shape[0]), schedule)
    return time.perf_counter() - start, loss.item()


def main():
    threads = int(sys.argv[1]) if len(sys.argv) > 1 else 1
    names = sys.argv[2:] or list(NETWORKS)
    torch.set_num_threads(threads)
    # Debian's torch reports BLAS_INFO=generic: it calls whichever libblas.so.3 the alternatives system points to.
    info = re.findall(r"(BLAS_INFO=[^,]*|LAPACK_INFO=[^,]*|USE_MKLDNN=[^,]*)", torch.__config__.show())
    blas = ", ".join(info) + ", libblas.so.3 -> " + os.path.realpath("/usr/lib/x86_64-linux-gnu/libblas.so.3")
    print(f"BLAS PyTorch: torch {torch.__version__}, {threads} thread(s), {blas}; 1024^3 matmul {pytorch_peer.matmul_ms():.2f} ms")
    sys.stdout.flush()
    for name in names:
        build, shape, epochs, batch, lr, weight_decay, weights_only = NETWORKS[name]
        x, y = pytorch_peer.mnist(shape)
        for method, sparse in (("DENSE", False), ("SR_STE_2:4", True)):
            seconds, loss = train_seconds(build, sparse, x, y, epochs, batch, lr, weight_decay, weights_only)
            print(f"RESULT {name} {method} {seconds:.2f} ({epochs} epochs, last training loss {loss:.4f})")
            sys.stdout.flush()


if __name__ == "__main__":
    main()
