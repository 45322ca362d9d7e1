#!/usr/bin/env python3
"""PyTorch peer of the plugin's resnet-sr-ste-2-4: the same residual network, data, batch, optimizer and schedule.

The network: a 3x3 stem convolution of 16 channels, then three residual stages of 16, 32 and 64 channels (each body
conv 3x3 - BN - ReLU - conv 3x3 - BN, the second and third stages starting with stride 2, their shortcuts a 1x1
convolution projection), a ReLU after each sum, global average pooling and a dense 10-way output layer. SR-STE 2:4
masks every convolution, the stem and the projections included, each step, with N:M groups along input channels as
the paper lays convolution weights out ([out][kh][kw][in]; a row too short for whole groups ends in a shorter group),
and passes the gradient straight through plus lambda_w * (1 - mask) * W. AdamW (lr 5e-3, weight decay 1e-1 on weights
only), one epoch of linear warm-up then a cosine to 0 per step, batch 32, 8 epochs, datasets/mnist-10k scaled to
[0, 1]. It prints the BLAS PyTorch runs on, a 1024^3 matmul timed in the same run, each epoch's seconds, and the test
accuracy. Run with Debian's python3: /usr/bin/python3 scripts/pytorch_resnet_peer.py [threads]
"""
import math
import statistics
import sys
import time

import torch

from pytorch_peer import adamw_warmup_cosine, matmul_ms, mnist, SparseSTE, train_epoch


class Conv(torch.nn.Conv2d):
    """A convolution whose weights are 2:4 SR-STE when sparse."""

    def __init__(self, cin, cout, kernel, stride, padding, sparse):
        super().__init__(cin, cout, kernel, stride=stride, padding=padding)
        self.sparse = sparse

    def forward(self, x):
        w = self.weight
        if self.sparse:
            # [out, in, kh, kw] -> [out, kh, kw, in], so that groups run along input channels, and back.
            w = w.permute(0, 2, 3, 1)
            w = SparseSTE.apply(w.reshape(w.shape[0], -1), 2, 4, 2e-4).reshape(w.shape).permute(0, 3, 1, 2)
        return torch.nn.functional.conv2d(x, w, self.bias, stride=self.stride, padding=self.padding)


class Residual(torch.nn.Module):
    def __init__(self, cin, cout, stride, sparse):
        super().__init__()
        self.body = torch.nn.Sequential(Conv(cin, cout, 3, stride, 1, sparse), torch.nn.BatchNorm2d(cout), torch.nn.ReLU(),
                                        Conv(cout, cout, 3, 1, 1, sparse), torch.nn.BatchNorm2d(cout))
        self.shortcut = Conv(cin, cout, 1, stride, 0, sparse) if cin != cout or stride != 1 else torch.nn.Identity()

    def forward(self, x):
        return self.body(x) + self.shortcut(x)


def network(sparse):
    model = torch.nn.Sequential(Conv(1, 16, 3, 1, 1, sparse), torch.nn.BatchNorm2d(16), torch.nn.ReLU(),
                                Residual(16, 16, 1, sparse), torch.nn.ReLU(), Residual(16, 32, 2, sparse), torch.nn.ReLU(),
                                Residual(32, 64, 2, sparse), torch.nn.ReLU(), torch.nn.AdaptiveAvgPool2d(1), torch.nn.Flatten(),
                                torch.nn.Linear(64, 10))
    # Channels-last: PyTorch's faster layout for these convolutions here (a dense step 29.8 against 46.0 ms in NCHW,
    # 2026-12-02). SR-STE's permuted weights put PyTorch's convolutions in it anyway, so both methods run in the same
    # layout, PyTorch's best on this machine.
    return model.to(memory_format=torch.channels_last)


def train(sparse, x, y, x_test, y_test, epochs=8, batch=32, lr=5e-3, weight_decay=1e-1):
    torch.manual_seed(1)
    model = network(sparse)
    optimizer, schedule = adamw_warmup_cosine(model, lr, weight_decay, True, math.ceil(x.shape[0] / batch), epochs)
    loss_fn = torch.nn.CrossEntropyLoss()
    times = []
    for epoch in range(epochs):
        model.train()
        order = torch.randperm(x.shape[0])
        start = time.perf_counter()
        train_epoch(model, optimizer, loss_fn, x, y, batch, order, schedule)
        times.append(time.perf_counter() - start)
    model.eval()
    with torch.no_grad():
        accuracy = (model(x_test).argmax(1) == y_test).float().mean().item()
    return times, accuracy


def main():
    threads = int(sys.argv[1]) if len(sys.argv) > 1 else 2
    torch.set_num_threads(threads)
    print(f"torch {torch.__version__}, {threads} thread(s)")
    print("\n".join(line for line in torch.__config__.show().splitlines() if "BLAS" in line or "LAPACK" in line))
    ms = matmul_ms()
    print(f"1024^3 matmul: {ms:.2f} ms ({2 * 1024 ** 3 / (ms / 1e3) / 1e9:.1f} GFLOP/s)")
    x, y = mnist((1, 28, 28))
    x_test, y_test = mnist((1, 28, 28), "test")
    print("| method | seconds per epoch (median of 7, after 1) | all epochs | test accuracy after 8 epochs |")
    print("|---|---|---|---|")
    for name, sparse in (("DENSE", False), ("SR_STE 2:4", True)):
        times, accuracy = train(sparse, x, y, x_test, y_test)
        print(f"| {name} | {statistics.median(times[1:]):.2f} | {', '.join(f'{t:.2f}' for t in times)} | {100 * accuracy:.2f}% |")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
