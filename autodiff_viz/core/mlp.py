"""Multi-layer perceptrons as computational graphs, one node per layer operation.

The course note writes an MLP as ``y_k = σ(W_k y_{k-1} + b_k)`` with a linear last layer
``y_L = W_L y_{L-1} + b_L``. Here a batch is a matrix ``X`` with one sample per row, so a layer
is ``y_k = σ(y_{k-1} @ W_k + b_k)`` with ``W_k`` of shape ``(n_{k-1}, n_k)``.

Two views of the same network:

- ``view="layer"`` (default): per layer one ``affine`` node ``z_k = y_{k-1} @ W_k + b_k`` and
  one activation node ``y_k``; small enough to read as a figure;
- ``view="ops"``: the matmul ``m_k`` and the bias addition ``z_k`` as separate nodes.

>>> spec = MLPSpec((2, 3, 1), activation="tanh", loss="mse")
>>> g = build(spec)
>>> g.inputs
('W1', 'b1', 'W2', 'b2', 'X', 'T')
>>> [g.describe(n) for n in g.nodes if n.op not in ("input", "const")]
['z1 = X @ W1 + b1', 'y1 = tanh(z1)', 'y2 = y1 @ W2 + b2', 'loss = mse(y2, T)']
>>> params = spec.init(seed=0)
>>> sorted((k, v.shape) for k, v in params.items())
[('W1', (2, 3)), ('W2', (3, 1)), ('b1', (3,)), ('b2', (1,))]
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .build import Builder
from .graph import Graph
from .passes import forward

__all__ = ["MLPSpec", "build", "ACTIVATIONS", "LOSSES", "VIEWS"]

ACTIVATIONS: tuple[str, ...] = ("tanh", "relu", "sigmoid")
#: ``None``: the graph's output is the network's output ``y_L``.
LOSSES: tuple[str | None, ...] = ("mse", "softmax_ce", "hinge", None)
VIEWS: tuple[str, ...] = ("layer", "ops")


@dataclass(frozen=True)
class MLPSpec:
    """An MLP's architecture: layer widths, activation, loss, L2 weight and view.

    Attributes:
        sizes: widths ``(n_0, n_1, …, n_L)``: inputs, hidden layers, outputs.
        activation: hidden-layer activation (the last layer is linear).
        loss: ``"mse"`` (targets ``T`` like the output), ``"softmax_ce"`` (one-hot ``T``),
            ``"hinge"`` (``mean(relu(1 − T·y))`` with ``T`` = ±1, as in micrograd's demo) or
            ``None``.
        l2: weight of ``Σ p²`` over every weight and bias, added to the loss.
        view: ``"layer"`` or ``"ops"`` (see the module docstring).
    """

    sizes: tuple[int, ...]
    activation: str = "tanh"
    loss: str | None = "mse"
    l2: float = 0.0
    view: str = "layer"
    _predictor: list = field(default_factory=list, compare=False, repr=False)

    def __post_init__(self) -> None:
        try:
            sizes = tuple(int(n) for n in self.sizes)
        except (TypeError, ValueError):
            raise ValueError(f"sizes must be whole numbers such as (2, 16, 16, 1), got "
                             f"{self.sizes!r}") from None
        exact = all(s == n for s, n in zip(sizes, self.sizes, strict=True))
        if len(sizes) < 2 or min(sizes) < 1 or not exact:
            raise ValueError(f"sizes must list at least two positive widths (inputs, …, "
                             f"outputs) such as (2, 16, 16, 1); got {self.sizes!r}")
        object.__setattr__(self, "sizes", sizes)
        if self.activation not in ACTIVATIONS:
            raise ValueError(f"unknown activation {self.activation!r}; choose one of "
                             f"{', '.join(ACTIVATIONS)}")
        if self.loss not in LOSSES:
            raise ValueError(f"unknown loss {self.loss!r}; choose one of "
                             f"{', '.join(map(repr, LOSSES))}")
        if self.view not in VIEWS:
            raise ValueError(f"unknown view {self.view!r}; choose one of {', '.join(VIEWS)}")
        if not (isinstance(self.l2, (int, float)) and np.isfinite(self.l2) and self.l2 >= 0):
            raise ValueError(f"l2 must be a number >= 0, got {self.l2!r}")
        if self.l2 and self.loss is None:
            raise ValueError("l2 is added to a loss: choose a loss as well (e.g. loss='mse')")

    @property
    def depth(self) -> int:
        """Number of layers ``L`` (weight matrices)."""
        return len(self.sizes) - 1

    @property
    def param_names(self) -> tuple[str, ...]:
        """``('W1', 'b1', …, 'WL', 'bL')``."""
        return tuple(n for k in range(1, self.depth + 1) for n in (f"W{k}", f"b{k}"))

    def param_shapes(self) -> dict[str, tuple[int, ...]]:
        """Shape of every parameter: ``W_k`` is ``(n_{k-1}, n_k)``, ``b_k`` is ``(n_k,)``."""
        out: dict[str, tuple[int, ...]] = {}
        for k in range(1, self.depth + 1):
            out[f"W{k}"] = (self.sizes[k - 1], self.sizes[k])
            out[f"b{k}"] = (self.sizes[k],)
        return out

    def init(self, seed: int | None = 0, scale: str | float = "uniform") -> dict[str, np.ndarray]:
        """Random weights and zero biases.

        ``scale="uniform"``: weights ~ U(−1, 1), as micrograd initialises its neurons;
        ``"glorot"``: U(−a, a) with a = √(6/(n_in + n_out)); a number: U(−scale, scale).
        """
        rng = np.random.default_rng(seed)
        params: dict[str, np.ndarray] = {}
        for name, shape in self.param_shapes().items():
            if name.startswith("b"):
                params[name] = np.zeros(shape)
                continue
            if scale == "uniform":
                a = 1.0
            elif scale == "glorot":
                a = float(np.sqrt(6.0 / (shape[0] + shape[1])))
            elif isinstance(scale, (int, float)) and not isinstance(scale, bool) and scale > 0:
                a = float(scale)
            else:
                raise ValueError(f"scale must be 'uniform', 'glorot' or a positive number, "
                                 f"got {scale!r}")
            params[name] = rng.uniform(-a, a, size=shape)
        return params

    def graph(self) -> Graph:
        """The computational graph (see :func:`build`)."""
        return build(self)

    def predict(self, params: Mapping[str, Any], X: Any) -> np.ndarray:
        """The network's output ``y_L`` for inputs ``X`` (forward pass only, no loss)."""
        if not self._predictor:
            self._predictor.append(build(MLPSpec(self.sizes, self.activation, None)))
        g = self._predictor[0]
        missing = [n for n in self.param_names if n not in params]
        if missing:
            raise KeyError(f"missing parameters {', '.join(missing)}; spec.init() makes them")
        values = forward(g, {**{n: params[n] for n in self.param_names}, "X": X}).values
        return np.asarray(values[g.output_index])


def build(spec: MLPSpec | Sequence[int], **options: Any) -> Graph:
    """The graph of an MLP: inputs ``W1, b1, …, WL, bL, X`` (and targets ``T`` with a loss).

    ``spec`` is an :class:`MLPSpec` or the layer sizes (then ``options`` are its fields).

    >>> g = build((4, 3, 2), activation="relu", loss=None, view="ops")
    >>> [g.describe(n) for n in g.nodes if n.op not in ("input", "const")]
    ['m1 = X @ W1', 'z1 = m1 + b1', 'y1 = relu(z1)', 'm2 = y1 @ W2', 'y2 = m2 + b2']
    """
    if not isinstance(spec, MLPSpec):
        spec = MLPSpec(tuple(spec), **options)
    elif options:
        raise TypeError("pass options either in the MLPSpec or as keywords, not both")
    params = spec.param_names
    b = Builder(set(params) | {"X", "T"})
    ids = {name: b.input(name) for name in params}
    y = b.input("X")
    L = spec.depth
    for k in range(1, L + 1):
        last = k == L
        w, bias = ids[f"W{k}"], ids[f"b{k}"]
        z_name = f"y{k}" if last else f"z{k}"
        if spec.view == "layer":
            z = b.apply("affine", (y, w, bias), z_name)
        else:
            m = b.apply("matmul", (y, w), f"m{k}")
            z = b.apply("add", (m, bias), z_name)
        y = z if last else b.apply(spec.activation, (z,), f"y{k}")
    out = y
    if spec.loss is not None:
        t = b.input("T")
        data_name = "data_loss" if spec.l2 else "loss"
        if spec.loss == "mse":
            out = b.apply("mse", (y, t), data_name)
        elif spec.loss == "softmax_ce":
            out = b.apply("softmax_ce", (y, t), data_name)
        else:  # hinge, as in micrograd's demo: mean(relu(1 − T·y))
            margin = b.apply("mul", (t, y), "margin")
            slack = b.apply("sub", (b.const(1.0), margin), "slack")
            out = b.apply("mean", (b.apply("relu", (slack,), "hinge"),), data_name)
    if spec.l2:
        total = None
        for name in params:
            sq = b.apply("sumsq", (ids[name],), f"sq_{name}")
            total = sq if total is None else b.apply("add", (total, sq))
        penalty = b.apply("mul", (b.const(float(spec.l2)), total), "penalty")
        out = b.apply("add", (out, penalty), "loss")
    keep = [*params, "X"] + (["T"] if spec.loss is not None else [])
    return b.finish(out, source=spec, kind="mlp", keep_inputs=keep)
