"""micrograd's demo task in array mode vs micrograd itself, per gradient-descent step.

The task (micrograd's demo notebook): an MLP 2-16-16-1 with ReLU hidden layers on 100 points
of a two-moons set, hinge loss mean(relu(1 − y·score)) + 1e-4·Σp², full-batch gradient
descent with rate 1 − 0.9·k/100. Both engines start from the same weights (micrograd's
U(−1, 1) initialisation, zero biases) and the script checks that their losses agree step by
step before comparing times. micrograd is slow (about 1.8 s a step here), so it runs fewer
steps and the comparison is per step.

    .venv/bin/python benchmarks/mlp.py [--steps 100] [--micrograd-steps 3]

Target: array mode at least 100× faster per step.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time

import numpy as np

import autodiff_viz as adv
from autodiff_viz.training import make_moons, micrograd_rate, targets_for

SIZES = (2, 16, 16, 1)
ALPHA = 1e-4


def ours(X, y, params, steps, total_steps):
    g = adv.mlp(SIZES, activation="relu", loss="hinge", l2=ALPHA)
    T = targets_for(g.source, y)
    params = dict(params)
    losses, times = [], []
    for k in range(steps):
        t0 = time.perf_counter()
        run = g.evaluate(**params, X=X, T=T)
        grads = run.grad
        lr = micrograd_rate(k, total_steps)
        for name in g.source.param_names:
            params[name] = params[name] - lr * grads[name]
        times.append(time.perf_counter() - t0)
        losses.append(run.value)
    return losses, times


def micrograd(X, y, params, steps, total_steps):
    from micrograd.engine import Value
    from micrograd.nn import MLP

    model = MLP(2, list(SIZES[1:]))
    for k, layer in enumerate(model.layers, start=1):
        for j, neuron in enumerate(layer.neurons):
            for i, w in enumerate(neuron.w):
                w.data = float(params[f"W{k}"][i, j])
            neuron.b.data = float(params[f"b{k}"][j])
    yy = [int(v) for v in 2 * y - 1]
    losses, times = [], []
    for k in range(steps):
        t0 = time.perf_counter()
        # the demo notebook's loss(), step for step
        inputs = [list(map(Value, row)) for row in X.tolist()]
        scores = list(map(model, inputs))
        data = [(1 + -yi * si).relu() for yi, si in zip(yy, scores, strict=True)]
        data_loss = sum(data) * (1.0 / len(data))
        reg_loss = ALPHA * sum(p * p for p in model.parameters())
        total = data_loss + reg_loss
        model.zero_grad()
        total.backward()
        lr = micrograd_rate(k, total_steps)
        for p in model.parameters():
            p.data -= lr * p.grad
        times.append(time.perf_counter() - t0)
        losses.append(total.data)
    return losses, times


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--steps", type=int, default=100, help="array-mode steps (default 100)")
    ap.add_argument("--micrograd-steps", type=int, default=3,
                    help="micrograd steps (default 3; 100 take about 3 minutes)")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)

    X, y = make_moons(100, noise=0.1, seed=args.seed)
    spec = adv.mlp(SIZES, activation="relu", loss="hinge", l2=ALPHA).source
    params = spec.init(seed=args.seed, scale="uniform")
    total_steps = max(args.steps, args.micrograd_steps)

    ours(X, y, params, 3, total_steps)  # warm-up (imports, caches)
    our_losses, our_times = ours(X, y, params, args.steps, total_steps)
    mg_losses, mg_times = micrograd(X, y, params, args.micrograd_steps, total_steps)

    n = min(len(our_losses), len(mg_losses))
    agree = np.allclose(our_losses[:n], mg_losses[:n], rtol=1e-9, atol=0)
    ours_step = statistics.median(our_times)
    mg_step = statistics.median(mg_times)
    print(f"task: MLP {'-'.join(map(str, SIZES))} relu, hinge + {ALPHA:g}·L2, 100 moons points")
    print(f"losses agree over the first {n} steps: {agree} "
          f"(ours {our_losses[n - 1]:.10f}, micrograd {mg_losses[n - 1]:.10f})")
    print(f"array mode: {args.steps} steps in {sum(our_times):.3f} s, "
          f"median {ours_step * 1e3:.3f} ms/step; final loss {our_losses[-1]:.4f}")
    print(f"micrograd : {args.micrograd_steps} steps in {sum(mg_times):.2f} s, "
          f"median {mg_step:.3f} s/step")
    print(f"per-step ratio (micrograd / array mode): {mg_step / ours_step:.0f}x "
          f"(target >= 100x)")
    return 0 if agree else 1


if __name__ == "__main__":
    sys.exit(main())
