#!/usr/bin/env python3
"""PyTorch peer of TrainingStepBenchmark: the same MLPs, data, batch, optimizer and methods, timed the same way.

DENSE is a plain MLP. SR-STE follows the paper's reference code (NM-sparsity): each step the sparse layers
recompute their N:M mask from the dense weights (top-N magnitudes per group of M along the input dimension), run
forward with W * mask, pass the gradient straight through, and add lambda_w * (1 - mask) * W to it.
Run with Debian's python3 (python3-torch 1.13): /usr/bin/python3 scripts/pytorch_peer.py
"""
import gzip
import math
import statistics
import sys
import time

import numpy as np
import torch


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


class SparseSTE(torch.autograd.Function):
    """N:M mask of each row of a [rows, k] weight, groups of m along the row, a short last group keeping min(n, r)."""

    @staticmethod
    def forward(ctx, weight, n, m, decay):
        rows, k = weight.shape
        pad = (-k) % m
        magnitude = torch.nn.functional.pad(weight.detach().abs(), (0, pad), value=-1.0).reshape(rows, -1, m)
        index = torch.topk(magnitude, n, dim=2, largest=True, sorted=False).indices
        mask = torch.zeros_like(magnitude).scatter_(2, index, 1.0).reshape(rows, -1)[:, :k]
        ctx.save_for_backward(weight, mask)
        ctx.decay = decay
        return weight * mask

    @staticmethod
    def backward(ctx, grad):
        weight, mask = ctx.saved_tensors
        return grad + ctx.decay * (1 - mask) * weight, None, None, None


class NMLinear(torch.nn.Linear):
    def __init__(self, fan_in, fan_out, n, m, decay):
        super().__init__(fan_in, fan_out)
        self.n, self.m, self.decay = n, m, decay

    def forward(self, x):
        return torch.nn.functional.linear(x, SparseSTE.apply(self.weight, self.n, self.m, self.decay), self.bias)


def network(widths, pattern):
    layers = []
    for i in range(len(widths) - 1):
        last = i == len(widths) - 2
        if pattern and not last:
            n, m = pattern
            layers.append(NMLinear(widths[i], widths[i + 1], n, m, 2e-4))
        else:
            layers.append(torch.nn.Linear(widths[i], widths[i + 1]))
        if not last:
            layers.append(torch.nn.ReLU())
    return torch.nn.Sequential(*layers)


def time_steps(widths, pattern, x, y, warmup=60, steps=300):
    torch.manual_seed(1)
    model = network(widths, pattern)
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=5e-4)
    loss_fn = torch.nn.CrossEntropyLoss()
    rows = x.shape[0]
    times = []
    for step in range(warmup + steps):
        first = (step * 128) % (rows - 128)
        xb, yb = x[first:first + 128], y[first:first + 128]
        start = time.perf_counter()
        optimizer.zero_grad(set_to_none=True)
        loss = loss_fn(model(xb), yb)
        loss.backward()
        optimizer.step()
        if step >= warmup:
            times.append(time.perf_counter() - start)
    return statistics.median(times) * 1e3


def adamw_warmup_cosine(model, lr, weight_decay, weights_only, steps_per_epoch, epochs):
    """AdamW (decay on every parameter, or on the weight matrices only) and the trainer's schedule: one epoch of linear
    warm-up, then a cosine to 0, stepped once per training step. Returns the optimizer and the schedule."""
    if weights_only:
        decayed = [p for name, p in model.named_parameters() if name.endswith("weight") and p.dim() > 1]
        others = [p for name, p in model.named_parameters() if not (name.endswith("weight") and p.dim() > 1)]
        groups = [{"params": decayed, "weight_decay": weight_decay}, {"params": others, "weight_decay": 0.0}]
    else:
        groups = [{"params": list(model.parameters()), "weight_decay": weight_decay}]
    optimizer = torch.optim.AdamW(groups, lr=lr)
    warmup, total = steps_per_epoch, steps_per_epoch * epochs
    schedule = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda s: (s + 1) / warmup if s < warmup
                                                 else 0.5 * (1 + math.cos(math.pi * min(1.0, (s - warmup) / (total - warmup)))))
    return optimizer, schedule


def train_epoch(model, optimizer, loss_fn, x, y, batch, order, schedule=None):
    """One epoch of training steps over the examples in the given order, batch by batch, stepping the schedule (if
    any) after each step. Returns the last step's loss."""
    loss = None
    for first in range(0, x.shape[0], batch):
        index = order[first:first + batch]
        optimizer.zero_grad(set_to_none=True)
        loss = loss_fn(model(x[index]), y[index])
        loss.backward()
        optimizer.step()
        if schedule is not None:
            schedule.step()
    return loss


def matmul_ms():
    """The median of 10 1024^3 float matmuls, after 3 of warm-up, in ms: the BLAS's speed in this run."""
    a, b = torch.rand(1024, 1024), torch.rand(1024, 1024)
    for _ in range(3):
        a @ b
    times = []
    for _ in range(10):
        start = time.perf_counter()
        a @ b
        times.append(time.perf_counter() - start)
    times.sort()
    return (times[4] + times[5]) / 2 * 1e3


def mnist(shape, split="train"):
    """A mnist-10k split as tensors: images scaled to [0, 1] in the given per-image shape, and labels."""
    images = read_idx(f"datasets/mnist-10k/{split}-images-idx3-ubyte.gz").reshape((-1,) + shape).astype(np.float32) / 255
    labels = read_idx(f"datasets/mnist-10k/{split}-labels-idx1-ubyte.gz").astype(np.int64)
    return torch.from_numpy(images), torch.from_numpy(labels)


def main():
    x, y = mnist((784,))
    print(f"torch {torch.__version__}")
    print("| threads | network | method | median step (ms) |")
    print("|---|---|---|---|")
    for threads in (1, 2):
        torch.set_num_threads(threads)
        for widths in ((784, 256, 128, 10), (784, 1024, 1024, 10)):
            for name, pattern in (("DENSE", None), ("SR_STE 2:4", (2, 4)), ("SR_STE 1:8", (1, 8))):
                ms = time_steps(list(widths), pattern, x, y)
                print(f"| {threads} | {'-'.join(map(str, widths))} | {name} | {ms:.2f} |")
                sys.stdout.flush()


if __name__ == "__main__":
    main()
