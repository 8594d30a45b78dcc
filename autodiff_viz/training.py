"""Train a tiny MLP with plain gradient descent on a 2-D toy set, watching it learn.

The gradients come from this package's own reverse pass over the MLP's array graph (one
:class:`~autodiff_viz.core.passes.Run` per step). In Jupyter a progress bar and the loss
curve update while it trains, and the decision boundary is drawn at the end; elsewhere pass
``live="text"`` for a text progress bar. The data is generated with numpy (no download).

>>> result = train("moons", steps=60, seed=0, live=False)
>>> result.losses[-1] < 0.5 * result.losses[0], result.accuracy > 0.8
(True, True)
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TextIO

import numpy as np

from .core.arrays import one_hot
from .core.graph import Graph
from .core.mlp import MLPSpec, build
from .core.passes import DomainError, Run

__all__ = ["make_moons", "make_spirals", "dataset", "mlp", "train", "TrainResult",
           "targets_for"]


# --- data ---------------------------------------------------------------------------------

def make_moons(n: int = 100, noise: float = 0.1, seed: int | None = 0
               ) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaving half circles (like scikit-learn's ``make_moons``): ``X (n, 2)``,
    labels ``y`` in {0, 1}.

    >>> X, y = make_moons(10, seed=1)
    >>> X.shape, sorted(set(y.tolist()))
    ((10, 2), [0, 1])
    """
    n = _count(n)
    rng = np.random.default_rng(seed)
    n_out = n // 2
    n_in = n - n_out
    t_out = np.linspace(0, np.pi, n_out)
    t_in = np.linspace(0, np.pi, n_in)
    X = np.vstack([np.column_stack([np.cos(t_out), np.sin(t_out)]),
                   np.column_stack([1 - np.cos(t_in), 1 - np.sin(t_in) - 0.5])])
    y = np.concatenate([np.zeros(n_out, dtype=int), np.ones(n_in, dtype=int)])
    X = X + rng.normal(scale=float(noise), size=X.shape)
    order = rng.permutation(n)
    return X[order], y[order]


def make_spirals(n: int = 100, classes: int = 2, noise: float = 0.2, seed: int | None = 0
                 ) -> tuple[np.ndarray, np.ndarray]:
    """``classes`` interleaved spiral arms (as in CS231n's example), ``n`` points in all.

    >>> X, y = make_spirals(30, classes=3)
    >>> X.shape, np.bincount(y).tolist()
    ((30, 2), [10, 10, 10])
    """
    n = _count(n)
    if not isinstance(classes, int) or classes < 2:
        raise ValueError(f"classes must be a whole number >= 2, got {classes!r}")
    rng = np.random.default_rng(seed)
    y = np.arange(n) % classes
    r = np.empty(n)
    t = np.empty(n)
    for c in range(classes):
        idx = np.flatnonzero(y == c)
        r[idx] = np.linspace(0.05, 1.0, idx.size)
        t[idx] = np.linspace(c * 2 * np.pi / classes, c * 2 * np.pi / classes + 3.5, idx.size)
    t = t + rng.normal(scale=float(noise), size=n)
    X = np.column_stack([r * np.sin(t), r * np.cos(t)])
    order = rng.permutation(n)
    return X[order], y[order]


def _count(n: Any) -> int:
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 2:
        raise ValueError(f"n (the number of points) must be a whole number >= 2, got {n!r}")
    return int(n)


def dataset(data: str | tuple = "moons", n: int = 100, noise: float | None = None,
            seed: int | None = 0) -> tuple[np.ndarray, np.ndarray]:
    """``"moons"``, ``"spirals"`` or your own ``(X, y)``, checked."""
    if isinstance(data, str):
        if data == "moons":
            return make_moons(n, 0.1 if noise is None else noise, seed)
        if data == "spirals":
            return make_spirals(n, 2, 0.2 if noise is None else noise, seed)
        raise ValueError(f"unknown dataset {data!r}; use 'moons', 'spirals' or a tuple (X, y)")
    try:
        X, y = data
    except (TypeError, ValueError):
        raise ValueError("data must be 'moons', 'spirals' or a tuple (X, y)") from None
    X = np.asarray(X, dtype=float)
    y = np.asarray(y)
    if X.ndim != 2 or y.shape != (X.shape[0],):
        raise ValueError(f"X must be (n, d) and y (n,); got {X.shape} and {y.shape}")
    if not np.all(np.isfinite(X)):
        raise ValueError("X contains inf or nan")
    if not np.all(y == np.round(y)) or y.min() < 0:
        raise ValueError("y must hold class labels 0, 1, …")
    return X, y.astype(int)


def targets_for(spec: MLPSpec, y: np.ndarray) -> np.ndarray:
    """The target array ``T`` a loss expects for labels ``y``.

    One output: ±1 (hinge, mse). Several outputs: one-hot rows (softmax_ce, mse).
    """
    k = int(y.max()) + 1
    out = spec.sizes[-1]
    if out == 1:
        if k > 2:
            raise ValueError(f"{k} classes need {k} outputs (sizes ending in {k}) and "
                             "loss='softmax_ce'")
        if spec.loss == "softmax_ce":
            raise ValueError("softmax_ce needs one output per class: end sizes with 2")
        return (2.0 * y - 1.0).reshape(-1, 1)
    if spec.loss == "hinge":
        raise ValueError("the hinge loss here is binary: use one output (sizes ending in 1) "
                         "or loss='softmax_ce'")
    if out < k:
        raise ValueError(f"{k} classes but only {out} outputs: end sizes with {k}")
    return one_hot(y, out)


def _predicted_classes(scores: np.ndarray) -> np.ndarray:
    return (scores[:, 0] > 0).astype(int) if scores.shape[-1] == 1 else np.argmax(scores, axis=1)


# --- the public graph builder -------------------------------------------------------------

def mlp(sizes: Sequence[int], activation: str = "tanh", loss: str | None = "mse",
        l2: float = 0.0, view: str = "layer") -> Graph:
    """The graph of an MLP (see :mod:`autodiff_viz.core.mlp`), ready to evaluate and draw.

    ``g.source`` is its :class:`~autodiff_viz.core.mlp.MLPSpec` (``g.source.init()`` makes
    parameters).

    >>> g = mlp([2, 4, 1], activation="relu", loss="hinge")
    >>> X, y = make_moons(8)
    >>> run = g.evaluate(**g.source.init(seed=0), X=X, T=targets_for(g.source, y))
    >>> type(run.value).__name__, run.grad["W1"].shape
    ('float', (2, 4))
    """
    spec = MLPSpec(tuple(sizes), activation=activation, loss=loss, l2=l2, view=view)
    return build(spec)


# --- training -----------------------------------------------------------------------------

@dataclass
class TrainResult:
    """What :func:`train` returns: the model, the data and the history."""

    spec: MLPSpec
    graph: Graph
    params: dict[str, np.ndarray]
    X: np.ndarray
    y: np.ndarray
    T: np.ndarray
    losses: list[float] = field(default_factory=list)
    accuracies: list[float] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def accuracy(self) -> float:
        """Training accuracy of the final parameters."""
        return float(np.mean(_predicted_classes(self.predict(self.X)) == self.y))

    def predict(self, X: Any) -> np.ndarray:
        """Network outputs (scores) for ``X``."""
        return self.spec.predict(self.params, X)

    def plot_loss(self, ax: Any = None) -> Any:
        """The loss curve (and accuracy) as a matplotlib figure."""
        from .plots import loss_curve

        return loss_curve(self.losses, self.accuracies, ax=ax)

    def plot_boundary(self, ax: Any = None, resolution: int = 150) -> Any:
        """The decision boundary over the training points."""
        from .plots import decision_boundary

        return decision_boundary(self.predict, self.X, self.y, ax=ax, resolution=resolution)

    def plot(self) -> Any:
        """Loss curve and decision boundary side by side."""
        from .plots import new_axes

        fig, ax = new_axes(figsize=(8.5, 3.5))
        ax.remove()
        left, right = fig.subplots(1, 2)
        self.plot_loss(left)
        self.plot_boundary(right)
        return fig

    def _repr_png_(self) -> bytes:
        from .plots import png

        return png(self.plot())

    def __repr__(self) -> str:
        return (f"<TrainResult {'-'.join(map(str, self.spec.sizes))} {self.spec.activation} "
                f"{self.spec.loss}: {len(self.losses)} steps, loss {self.losses[0]:.4g} → "
                f"{self.losses[-1]:.4g}, accuracy {self.accuracy:.0%}, {self.seconds:.2f} s>"
                if self.losses else "<TrainResult (no steps)>")


def micrograd_rate(k: int, steps: int) -> float:
    """micrograd's demo schedule: ``1.0 − 0.9·k/steps``."""
    return 1.0 - 0.9 * k / steps


def train(data: str | tuple = "moons", *, sizes: Sequence[int] = (2, 16, 16, 1),
          activation: str = "relu", loss: str = "hinge", l2: float = 1e-4, steps: int = 100,
          lr: float | Callable[[int, int], float] | None = None, n: int = 100,
          noise: float | None = None, seed: int | None = 0, init: str | float = "uniform",
          live: bool | str | None = None, every: int | None = None,
          file: TextIO | None = None) -> TrainResult:
    """Full-batch gradient descent on a toy set; by default micrograd's demo set-up.

    Args:
        data: ``"moons"``, ``"spirals"`` or ``(X, y)`` with labels 0, 1, ….
        sizes, activation, loss, l2: the network (see :class:`~autodiff_viz.core.mlp.MLPSpec`);
            ``sizes[0]`` must match X's columns.
        steps: gradient-descent steps.
        lr: a constant rate, a function ``(step, steps) -> rate``, or ``None`` for micrograd's
            schedule ``1 − 0.9·step/steps``.
        n, noise, seed: size and noise of the generated data; ``seed`` also seeds the weights.
        init: weight initialisation (``"uniform"`` as micrograd, ``"glorot"`` or a number).
        live: ``None``: progress bar and loss curve when running in Jupyter, nothing
            elsewhere; ``True``/``"jupyter"``, ``"text"`` (a text bar on ``file``, default
            stderr) or ``False``.
        every: redraw the loss curve every this many steps (default: about 20 redraws).
    """
    if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)) or steps < 1:
        raise ValueError(f"steps must be a whole number >= 1, got {steps!r}")
    X, y = dataset(data, n, noise, seed)
    spec = MLPSpec(tuple(sizes), activation=activation, loss=loss, l2=l2)
    if spec.sizes[0] != X.shape[1]:
        raise ValueError(f"the data has {X.shape[1]} input columns but sizes starts with "
                         f"{spec.sizes[0]}: use sizes=({X.shape[1]}, …)")
    if loss is None:
        raise ValueError("training needs a loss: 'hinge', 'mse' or 'softmax_ce'")
    T = targets_for(spec, y)
    rate = _rate(lr)
    graph = build(spec)
    params = spec.init(seed, init)
    names = spec.param_names
    out_index = graph.index(f"y{spec.depth}")
    result = TrainResult(spec, graph, params, X, y, T)
    reporter = _reporter(live, steps, every, file)
    t0 = time.perf_counter()
    for k in range(steps):
        try:
            run = Run(graph, {**params, "X": X, "T": T})
        except DomainError as exc:
            raise FloatingPointError(f"training diverged at step {k}: {exc} Lower the "
                                     "learning rate (lr=...).") from None
        value = float(run.value)
        if not np.isfinite(value):
            raise FloatingPointError(f"the loss became {value} at step {k}: lower the learning "
                                     "rate")
        result.losses.append(value)
        scores = run.values[out_index]
        result.accuracies.append(float(np.mean(_predicted_classes(scores) == y)))
        grads = run.grad
        step = rate(k, steps)
        for name in names:
            params[name] = params[name] - step * grads[name]
        if reporter is not None:
            result.seconds = time.perf_counter() - t0
            reporter.update(result, k + 1)
    result.seconds = time.perf_counter() - t0
    if reporter is not None:
        reporter.close(result)
    return result


def _rate(lr: Any) -> Callable[[int, int], float]:
    if lr is None:
        return micrograd_rate
    if callable(lr):
        return lr
    if isinstance(lr, bool) or not isinstance(lr, (int, float)) or not lr > 0:
        raise ValueError(f"lr must be a positive number, a function (step, steps) -> rate "
                         f"or None, got {lr!r}")
    value = float(lr)
    return lambda k, steps: value


# --- live display ---------------------------------------------------------------------------

def _in_jupyter() -> bool:
    ipython = sys.modules.get("IPython")
    if ipython is None:
        return False
    try:
        shell = ipython.get_ipython()
    except Exception:  # noqa: BLE001 - any failure means: not in a kernel
        return False
    return shell is not None and getattr(shell, "kernel", None) is not None


def _reporter(live: Any, steps: int, every: int | None, file: TextIO | None) -> Any:
    if live is None:
        live = "jupyter" if _in_jupyter() else False
    if live is True:
        live = "jupyter"
    if live is False:
        return None
    if every is None:
        every = max(1, steps // 20)
    if isinstance(every, bool) or not isinstance(every, int) or every < 1:
        raise ValueError(f"every must be a whole number >= 1, got {every!r}")
    if live == "text":
        return _TextReport(steps, every, file or sys.stderr)
    if live == "jupyter":
        return _JupyterReport(steps, every)
    raise ValueError(f"live must be None, True, False, 'jupyter' or 'text', got {live!r}")


def _status(result: TrainResult, k: int, steps: int) -> str:
    return (f"step {k}/{steps}  loss {result.losses[-1]:.4f}  "
            f"accuracy {result.accuracies[-1]:.0%}  {result.seconds:.1f} s")


class _TextReport:
    """``[#####-----] step 50/100 loss …`` rewritten in place."""

    def __init__(self, steps: int, every: int, file: TextIO) -> None:
        self.steps, self.every, self.file = steps, every, file

    def update(self, result: TrainResult, k: int) -> None:
        if k % self.every and k != self.steps:
            return
        width = 24
        done = round(width * k / self.steps)
        self.file.write(f"\r[{'#' * done}{'-' * (width - done)}] {_status(result, k, self.steps)}")
        self.file.flush()

    def close(self, result: TrainResult) -> None:
        self.file.write("\n")
        self.file.flush()


class _JupyterReport:
    """A progress bar and a loss-curve image, updated in place, then the decision boundary."""

    def __init__(self, steps: int, every: int) -> None:
        from IPython.display import HTML, display

        self.steps, self.every = steps, every
        self.bar = display(HTML(self._bar_html(0, "starting…")), display_id=True)
        self.plot = None

    def _bar_html(self, k: int, text: str) -> str:
        return (f"<div style='font-family:monospace'><progress value='{k}' "
                f"max='{self.steps}' style='width:40%'></progress> {text}</div>")

    def update(self, result: TrainResult, k: int) -> None:
        from IPython.display import HTML, Image, display

        from .plots import loss_curve, png

        if k % self.every and k != self.steps:
            return
        self.bar.update(HTML(self._bar_html(k, _status(result, k, self.steps))))
        image = Image(data=png(loss_curve(result.losses, result.accuracies, steps=self.steps)))
        if self.plot is None:
            self.plot = display(image, display_id=True)
        else:
            self.plot.update(image)

    def close(self, result: TrainResult) -> None:
        from IPython.display import Image, display

        from .plots import png

        image = Image(data=png(result.plot()))
        if self.plot is None:
            display(image)
        else:
            self.plot.update(image)
