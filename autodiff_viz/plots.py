"""Matplotlib figures for array mode: loss curves, decision boundaries, Jacobian-chain costs.

Figures are made with :class:`matplotlib.figure.Figure` and the Agg canvas (no pyplot, no
global state), so they work the same in a script, a test and a notebook. Pass ``ax=`` to draw
into an existing axes instead. matplotlib is imported on first use.

>>> fig = loss_curve([1.0, 0.5, 0.25])
>>> fig.axes[0].get_ylabel()
'loss'
>>> png(fig)[:4]
b'\\x89PNG'
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

__all__ = ["loss_curve", "decision_boundary", "chain_cost_plot", "png", "new_axes"]


def new_axes(ax: Any = None, figsize: tuple[float, float] = (4.5, 3.2)) -> tuple[Any, Any]:
    """``(figure, axes)``: ``ax`` and its figure, or a fresh Agg figure with one axes."""
    if ax is not None:
        return ax.figure, ax
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=figsize, layout="constrained")
    FigureCanvasAgg(fig)
    return fig, fig.add_subplot()


def png(fig: Any, dpi: int = 90) -> bytes:
    """The figure as PNG bytes."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    return buf.getvalue()


def loss_curve(losses: Sequence[float], accuracies: Sequence[float] | None = None,
               steps: int | None = None, ax: Any = None) -> Any:
    """Loss per step (log scale when it spans a decade), accuracy on a second axis.

    ``steps`` fixes the x range (useful while training is still running).
    """
    fig, ax = new_axes(ax)
    xs = np.arange(len(losses))
    ax.plot(xs, losses, color="tab:blue", lw=1.5, label="loss")
    ax.set_xlabel("step")
    ax.set_ylabel("loss")
    if steps:
        ax.set_xlim(0, max(steps - 1, 1))
    finite = [v for v in losses if np.isfinite(v) and v > 0]
    if finite and max(finite) / min(finite) > 10:
        ax.set_yscale("log")
    if accuracies is not None and len(accuracies):
        ax2 = ax.twinx()
        ax2.plot(np.arange(len(accuracies)), accuracies, color="tab:orange", lw=1.0,
                 alpha=0.8, label="accuracy")
        ax2.set_ylim(0, 1.05)
        ax2.set_ylabel("accuracy", color="tab:orange")
    if len(losses):
        ax.set_title(f"step {len(losses) - 1}: loss {losses[-1]:.4g}"
                     + (f", accuracy {accuracies[-1]:.0%}" if accuracies else ""), fontsize=9)
    return fig


def decision_boundary(predict: Any, X: Any, y: Any, ax: Any = None,
                      resolution: int = 150, margin: float = 0.5) -> Any:
    """Colour the plane by the predicted class and draw the points on top.

    ``predict`` maps an ``(n, 2)`` array to scores: shape ``(n,)``/``(n, 1)`` (class 1 where
    the score is positive) or ``(n, k)`` (the class with the largest score).
    """
    X = np.asarray(X, dtype=float)
    y = np.asarray(y)
    if X.ndim != 2 or X.shape[1] != 2:
        raise ValueError(f"decision_boundary draws 2-D inputs; X has shape {X.shape}")
    fig, ax = new_axes(ax, figsize=(4.0, 3.6))
    lo, hi = X.min(axis=0) - margin, X.max(axis=0) + margin
    gx, gy = np.meshgrid(np.linspace(lo[0], hi[0], resolution),
                         np.linspace(lo[1], hi[1], resolution))
    grid = np.column_stack([gx.ravel(), gy.ravel()])
    scores = np.asarray(predict(grid), dtype=float)
    classes = _classes(scores).reshape(gx.shape)
    k = int(max(classes.max(), y.max())) + 1
    ax.contourf(gx, gy, classes, levels=np.arange(k + 1) - 0.5, cmap="coolwarm", alpha=0.35)
    ax.scatter(X[:, 0], X[:, 1], c=y, cmap="coolwarm", s=14, edgecolors="k", linewidths=0.4,
               vmin=0, vmax=max(k - 1, 1))
    ax.set_xlim(lo[0], hi[0])
    ax.set_ylim(lo[1], hi[1])
    acc = float(np.mean(_classes(np.asarray(predict(X), dtype=float)) == y))
    ax.set_title(f"decision boundary (training accuracy {acc:.0%})", fontsize=9)
    return fig


def _classes(scores: np.ndarray) -> np.ndarray:
    if scores.ndim == 1 or scores.shape[-1] == 1:
        return (scores.reshape(len(scores)) > 0).astype(int)
    return np.argmax(scores, axis=-1)


def chain_cost_plot(chains: Sequence[Sequence[int]] | Mapping[str, Sequence[int]],
                    ax: Any = None) -> Any:
    """Grouped bars (log scale) of forward, reverse and optimal multiply-adds per chain."""
    from .core.chain import chain_cost

    items = list(chains.items()) if isinstance(chains, Mapping) else \
        [("-".join(map(str, c)), c) for c in chains]
    costs = [chain_cost(c) for _, c in items]
    fig, ax = new_axes(ax, figsize=(1.6 + 1.6 * len(items), 3.4))
    x = np.arange(len(items))
    width = 0.27
    for j, (field, colour) in enumerate([("forward", "tab:red"), ("reverse", "tab:green"),
                                         ("optimal", "tab:blue")]):
        vals = [max(getattr(c, field), 1) for c in costs]
        bars = ax.bar(x + (j - 1) * width, vals, width, label=field, color=colour)
        for b, c in zip(bars, costs, strict=True):
            ax.annotate(f"{getattr(c, field):,}", (b.get_x() + b.get_width() / 2,
                                                   b.get_height()),
                        ha="center", va="bottom", fontsize=6, rotation=90)
    ax.set_yscale("log")
    ax.set_xticks(x, [name for name, _ in items], fontsize=8)
    ax.set_ylabel("multiply-adds")
    ax.set_title("Jacobian chain: forward vs reverse vs best order", fontsize=9)
    ax.legend(fontsize=8)
    return fig
