#!/usr/bin/env python3
"""PyTorch peer of CnnEpochBenchmark: the same CNN, data, batch and optimizer, one epoch timed the same way.

The network is the plugin's cnn-sr-ste-2-4: two 3x3 convolutions (padding 1) of 16 and 32 channels, each followed by
ReLU and 2x2 max pooling, a 128-unit hidden layer and 10 outputs; AdamW (lr 2e-3, weight decay 5e-4), batch 128,
datasets/mnist-10k scaled to [0, 1]. SR-STE 2:4 masks every convolution and the hidden layer each step, with N:M
groups along input channels as the paper lays out convolution weights ([out][kh][kw][in]), and passes the gradient
straight through plus lambda_w * (1 - mask) * W. Run with Debian's python3: /usr/bin/python3 scripts/pytorch_cnn_peer.py
"""
import statistics
import sys
import time

import torch

from pytorch_peer import mnist, NMLinear, SparseSTE, train_epoch


class NMConv2d(torch.nn.Conv2d):
    def __init__(self, cin, cout, n, m, decay):
        super().__init__(cin, cout, 3, padding=1)
        self.n, self.m, self.decay = n, m, decay

    def forward(self, x):
        # [out, in, kh, kw] -> [out, kh, kw, in], so that groups of m run along input channels, and back.
        w = self.weight.permute(0, 2, 3, 1)
        w = SparseSTE.apply(w.reshape(w.shape[0], -1), self.n, self.m, self.decay).reshape(w.shape).permute(0, 3, 1, 2)
        return torch.nn.functional.conv2d(x, w, self.bias, padding=1)


def network(sparse):
    def conv(cin, cout):
        return NMConv2d(cin, cout, 2, 4, 2e-4) if sparse else torch.nn.Conv2d(cin, cout, 3, padding=1)
    hidden = NMLinear(32 * 7 * 7, 128, 2, 4, 2e-4) if sparse else torch.nn.Linear(32 * 7 * 7, 128)
    model = torch.nn.Sequential(conv(1, 16), torch.nn.ReLU(), torch.nn.MaxPool2d(2), conv(16, 32), torch.nn.ReLU(),
                                torch.nn.MaxPool2d(2), torch.nn.Flatten(), hidden, torch.nn.ReLU(), torch.nn.Linear(128, 10))
    # Channels-last: PyTorch's faster layout for these convolutions here (a dense step 22.5 against 32.4 ms in NCHW,
    # 2026-12-02). SR-STE's permuted weights put PyTorch's convolutions in it anyway, so both methods run in the same
    # layout, PyTorch's best on this machine.
    return model.to(memory_format=torch.channels_last)


def epoch_seconds(sparse, x, y, epochs=5):
    torch.manual_seed(1)
    model = network(sparse)
    optimizer = torch.optim.AdamW(model.parameters(), lr=2e-3, weight_decay=5e-4)
    loss_fn = torch.nn.CrossEntropyLoss()
    times = []
    for epoch in range(epochs):
        order = torch.randperm(x.shape[0])
        start = time.perf_counter()
        train_epoch(model, optimizer, loss_fn, x, y, 128, order)
        times.append(time.perf_counter() - start)
    return statistics.median(times[1:]), times


def main():
    x, y = mnist((1, 28, 28))
    print(f"torch {torch.__version__}")
    print("| threads | method | seconds per epoch (median of 4, after 1) |")
    print("|---|---|---|")
    for threads in (1, 2):
        torch.set_num_threads(threads)
        for name, sparse in (("DENSE", False), ("SR_STE 2:4", True)):
            median, times = epoch_seconds(sparse, x, y)
            print(f"| {threads} | {name} | {median:.2f} (all: {', '.join(f'{t:.2f}' for t in times)}) |")
            sys.stdout.flush()


if __name__ == "__main__":
    main()
