#!/usr/bin/env python3
"""PyTorch peer of StepBreakdown: where one training step's time goes, phase by phase, for the networks of
pytorch_end_to_end.py: the batch gathered (data), forward (for SR-STE the per-step mask is part of it, as in the paper's
code), loss, backward, and the optimizer (AdamW's step, the schedule's and zero_grad), with each network's optimizer settings. Median of 200 steps after 50 of warm-up, in ms.
Run with Debian's python3: /usr/bin/python3 scripts/pytorch_step_breakdown.py [threads] [network ...]
"""
import math
import statistics
import sys
import time

import torch

import pytorch_end_to_end
import pytorch_peer

PHASES = ("data", "forward", "loss", "backward", "optimizer")


def breakdown(build, sparse, x, y, epochs, batch, lr, weight_decay, weights_only, warmup=50, steps=200):
    torch.manual_seed(1)
    model = build(sparse)
    optimizer, schedule = pytorch_peer.adamw_warmup_cosine(model, lr, weight_decay, weights_only, math.ceil(x.shape[0] / batch), epochs)
    loss_fn = torch.nn.CrossEntropyLoss()
    model.train()
    times = [[] for _ in range(len(PHASES) + 1)]
    order = torch.randperm(x.shape[0])
    for step in range(warmup + steps):
        first = (step * batch) % (x.shape[0] - batch)
        clock = [time.perf_counter()]
        index = order[first:first + batch]
        xb, yb = x[index], y[index]
        clock.append(time.perf_counter())
        out = model(xb)
        clock.append(time.perf_counter())
        loss = loss_fn(out, yb)
        clock.append(time.perf_counter())
        loss.backward()
        clock.append(time.perf_counter())
        optimizer.step()
        schedule.step()
        optimizer.zero_grad(set_to_none=True)
        clock.append(time.perf_counter())
        if step >= warmup:
            for p in range(len(PHASES)):
                times[p].append(clock[p + 1] - clock[p])
            times[-1].append(clock[-1] - clock[0])
    return [statistics.median(t) * 1e3 for t in times]


def main():
    threads = int(sys.argv[1]) if len(sys.argv) > 1 else 1
    names = sys.argv[2:] or list(pytorch_end_to_end.NETWORKS)
    torch.set_num_threads(threads)
    print(f"torch {torch.__version__}, {threads} thread(s)")
    print("| network | method | " + " | ".join(PHASES) + " | step (ms, median of 200) |")
    print("|---|---|" + "---|" * (len(PHASES) + 1))
    for name in names:
        build, shape, epochs, batch, lr, weight_decay, weights_only = pytorch_end_to_end.NETWORKS[name]
        x, y = pytorch_peer.mnist(shape)
        for method, sparse in (("DENSE", False), ("SR_STE 2:4", True)):
            medians = breakdown(build, sparse, x, y, epochs, batch, lr, weight_decay, weights_only)
            print(f"| {name} | {method} | " + " | ".join(f"{m:.3f}" for m in medians) + " |")
            sys.stdout.flush()


if __name__ == "__main__":
    main()
