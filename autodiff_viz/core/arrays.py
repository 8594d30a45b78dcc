"""Array primitives (matrix mode): matmul, affine layers, reductions, losses, transpose.

Each op is one row of the primitives table (:mod:`.primitives` loads ``ARRAY_ROWS``; the
traced functions ``sum``, ``matmul`` … are in :mod:`.functions`). Array ops are not
elementwise, so a row carries its reverse rule ``vjp`` (vector-Jacobian product) and forward
rule ``jvp`` (Jacobian-vector product) side by side; its ``partials`` give the ordinary
derivative when every argument is a scalar and ``None`` otherwise (the full Jacobian is never
built: its shape is :func:`jacobian_shape`). Array rows have no sympy form (``sympy=None``):
array-valued graphs are checked numerically.

Elementwise ops (``add``, ``mul``, ``tanh``, ``relu``, …) need no array rows: the engine applies
their elementwise partial and sums over broadcast axes.

Reductions take an axis; the axis is part of the op's name (``sum`` sums everything,
``sum1`` sums over axis 1, ``sum-1`` over the last axis), so a node stays ``op(args)``. A plain
number is its own sum and mean over any axis, so every row also works on scalars.

>>> import numpy as np
>>> from autodiff_viz.core.build import from_function
>>> from autodiff_viz.core.passes import evaluate
>>> from autodiff_viz.core.functions import mean, sum, tanh
>>> g = from_function(lambda W, b, X: mean(sum(tanh(X @ W + b) ** 2, axis=1)))
>>> [n.op for n in g.nodes if n.op not in ("input", "const")]
['matmul', 'add', 'tanh', 'pow', 'sum1', 'mean']
>>> run = evaluate(g, {"W": np.ones((3, 2)), "b": np.zeros(2), "X": np.eye(3)})
>>> type(run.value).__name__, run.grad["W"].shape
('float', (3, 2))
>>> str(jacobian_shape(run, g.in_edges[g.index("a")][1]))
'(3×2)×(3×2)'
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

import numpy as np

# .primitives imports this module at its end (after defining these two), to load ARRAY_ROWS
from .primitives import Primitive, unbroadcast

__all__ = ["ARRAY_ROWS", "ARRAY_OPS", "AXES", "one_hot", "jacobian_shape", "JacobianShape",
           "shape_text"]

#: Axes a reduction may take (the axis is part of the op's name).
AXES: tuple[int | None, ...] = (None, 0, 1, 2, -1)


def _is_scalar(x: Any) -> bool:
    return type(x) is float


def _all_scalar(args: tuple) -> bool:
    return all(type(a) is float for a in args)


def _num(x: Any) -> Any:
    """A 0-d result as a Python float (the engine's scalar type), arrays unchanged."""
    return float(x) if np.ndim(x) == 0 else x


def _scalar_partial(rule: Callable[[tuple, Any], Any]) -> Callable[[tuple, Any], Any]:
    """The ordinary derivative when every argument is a scalar; ``None`` for arrays (the
    engine then uses the row's ``vjp``/``jvp``)."""
    def partial(args: tuple, out: Any) -> Any:
        return rule(args, out) if _all_scalar(args) else None
    return partial


# --- matmul ------------------------------------------------------------------------------

def _matmul(a: Any, b: Any) -> Any:
    if _is_scalar(a) or _is_scalar(b):
        if _is_scalar(a) and _is_scalar(b):
            return a * b
        raise ValueError(f"matmul (@) needs two arrays, got shapes {np.shape(a)} and "
                         f"{np.shape(b)}; use * to scale by a number")
    if a.shape[-1:] != b.shape[-2:][:1]:
        raise ValueError(f"shapes {a.shape} @ {b.shape} do not match: the last dimension of "
                         "the left operand must equal the first (of the last two) of the right")
    return _num(np.matmul(a, b))


def _matmul_vjp_pos(pos: int, g: Any, a: Any, b: Any) -> Any:
    if _is_scalar(a) or _is_scalar(b):
        other = b if pos == 0 else a
        return unbroadcast(g * other, np.shape(a if pos == 0 else b))
    a2 = a[None, :] if a.ndim == 1 else a
    b2 = b[:, None] if b.ndim == 1 else b
    g2 = np.asarray(g, dtype=float)
    if b.ndim == 1:
        g2 = np.expand_dims(g2, -1)
    if a.ndim == 1:
        g2 = np.expand_dims(g2, -2)
    if pos == 0:
        r = np.matmul(g2, np.swapaxes(b2, -1, -2))
        if a.ndim == 1:
            r = r[..., 0, :]
        return unbroadcast(r, a.shape)
    r = np.matmul(np.swapaxes(a2, -1, -2), g2)
    if b.ndim == 1:
        r = r[..., :, 0]
    return unbroadcast(r, b.shape)


def _matmul_vjp(pos: int, g: Any, args: tuple, out: Any) -> Any:
    return _matmul_vjp_pos(pos, g, args[0], args[1])


def _matmul_jvp(pos: int, t: Any, args: tuple, out: Any) -> Any:
    a, b = args
    if _is_scalar(a) and _is_scalar(b):
        return t * (b if pos == 0 else a)
    return _num(np.matmul(t, b) if pos == 0 else np.matmul(a, t))


# --- affine: one dense layer X @ W + b ---------------------------------------------------

def _affine(x: Any, w: Any, b: Any) -> Any:
    return _num(_matmul(x, w) + b)


def _affine_vjp(pos: int, g: Any, args: tuple, out: Any) -> Any:
    x, w, b = args
    if pos == 2:
        return unbroadcast(g, np.shape(b))
    return _matmul_vjp_pos(pos, unbroadcast(g, np.shape(_matmul(x, w))), x, w)


def _affine_jvp(pos: int, t: Any, args: tuple, out: Any) -> Any:
    c = t if pos == 2 else _matmul_jvp(pos, t, args[:2], None)
    shape = np.shape(out)
    return c if np.shape(c) == shape else np.broadcast_to(c, shape).copy()


# --- reductions ----------------------------------------------------------------------------

def _count(a: Any, axis: int | None) -> int:
    return int(np.size(a)) if axis is None else int(np.shape(a)[axis])


def _reduction(kind: str, axis: int | None) -> Primitive:
    """The row for ``sum``/``mean`` over ``axis`` (``None``: over every element)."""
    mean_ = kind == "mean"
    name = kind if axis is None else f"{kind}{axis}"
    where = "" if axis is None else f", axis={axis}"

    def value(a):
        if _is_scalar(a):  # a number counts as its own sum (and mean) over any axis
            return a
        return _num(np.mean(a, axis=axis) if mean_ else np.sum(a, axis=axis))

    def vjp(pos, g, args, out):
        a = args[0]
        if _is_scalar(a):
            return g
        if axis is not None:
            g = np.expand_dims(g, axis)
        r = np.broadcast_to(g, a.shape).copy()
        return r / _count(a, axis) if mean_ else r

    def jvp(pos, t, args, out):
        return value(t)

    unicode = f"{kind}({{0}}{where})"
    sub = "" if axis is None else "_{{\\mathrm{{axis}}\\," + str(axis) + "}}"  # a format string
    latex = (r"\operatorname{{mean}}" if mean_ else r"\sum") + sub + " {0}"
    return Primitive(name, 1, value, (_scalar_partial(lambda A, o: 1.0),), None, unicode, latex,
                     domain=("an array with an axis " + str(axis)) if axis is not None
                     else "any number or array", vjp=vjp, jvp=jvp,
                     doc=f"{kind} over " + ("every element" if axis is None else f"axis {axis}"))


# --- transpose ---------------------------------------------------------------------------

def _transpose(a: Any) -> Any:
    return a if _is_scalar(a) else np.transpose(a)


def _transpose_rule(pos: int, g: Any, args: tuple, out: Any) -> Any:
    return _transpose(g) if not _is_scalar(g) else g


def _sumsq(a: Any) -> float:
    return float(np.sum(np.multiply(a, a)))


def _sumsq_vjp(pos: int, g: Any, args: tuple, out: Any) -> Any:
    return 2.0 * g * args[0]


def _sumsq_jvp(pos: int, t: Any, args: tuple, out: Any) -> float:
    return float(np.sum(2.0 * np.multiply(args[0], t)))


# --- losses ------------------------------------------------------------------------------

def _mse(p: Any, t: Any) -> float:
    d = np.subtract(p, t)
    return float(np.mean(d * d))


def _mse_vjp(pos: int, g: Any, args: tuple, out: Any) -> Any:
    p, t = args
    d = np.subtract(p, t)
    r = (2.0 / np.size(d)) * g * d
    return unbroadcast(r if pos == 0 else -r, np.shape(args[pos]))


def _mse_jvp(pos: int, tan: Any, args: tuple, out: Any) -> float:
    p, t = args
    d = np.subtract(p, t)
    s = float(np.sum((2.0 / np.size(d)) * d * tan))
    return s if pos == 0 else -s


def _log_softmax(z: Any) -> np.ndarray:
    z = np.atleast_1d(np.asarray(z, dtype=float))
    m = np.max(z, axis=-1, keepdims=True)
    with np.errstate(under="ignore"):
        lse = np.log(np.sum(np.exp(z - m), axis=-1, keepdims=True))
    return z - m - lse


def _ce_check(z: Any, t: Any) -> None:
    if np.shape(z) != np.shape(t):
        raise ValueError(f"logits of shape {np.shape(z)} and targets of shape {np.shape(t)} "
                         "differ: give targets as one-hot rows (see one_hot(labels, k))")


def _ce_rows(z: Any) -> int:
    z = np.atleast_1d(z)
    return int(z.size // z.shape[-1])


def _softmax_ce(z: Any, t: Any) -> float:
    _ce_check(z, t)
    with np.errstate(under="ignore"):
        total = -np.sum(np.atleast_1d(t) * _log_softmax(z))
    return float(total) / _ce_rows(z)


def _ce_grads(z: Any, t: Any) -> tuple[Any, Any]:
    """∂CE/∂z and ∂CE/∂t (exact also when target rows do not sum to 1)."""
    lsm = _log_softmax(z)
    t1 = np.atleast_1d(np.asarray(t, dtype=float))
    n = _ce_rows(z)
    with np.errstate(under="ignore"):
        dz = (np.exp(lsm) * np.sum(t1, axis=-1, keepdims=True) - t1) / n
    dt = -lsm / n
    return (float(dz[0]), float(dt[0])) if np.ndim(z) == 0 else (dz, dt)


def _softmax_ce_vjp(pos: int, g: Any, args: tuple, out: Any) -> Any:
    return g * _ce_grads(*args)[pos]


def _softmax_ce_jvp(pos: int, tan: Any, args: tuple, out: Any) -> float:
    return float(np.sum(_ce_grads(*args)[pos] * tan))


# --- the rows ----------------------------------------------------------------------------

_S = _scalar_partial
ARRAY_ROWS: tuple[Primitive, ...] = (
    # name, arity, value, partials (scalar case), no sympy form, unicode, latex, array rules
    Primitive("matmul", 2, _matmul, (_S(lambda A, o: A[1]), _S(lambda A, o: A[0])),
              None, "{0} @ {1}", "{0} {1}",
              domain="two arrays whose inner dimensions match ((m×k) @ (k×n))",
              vjp=_matmul_vjp, jvp=_matmul_jvp, infix=True,
              doc="matrix product; ∂/∂A: g·Bᵀ, ∂/∂B: Aᵀ·g"),
    Primitive("affine", 3, _affine,
              (_S(lambda A, o: A[1]), _S(lambda A, o: A[0]), _S(lambda A, o: 1.0)),
              None, "{0} @ {1} + {2}", "{0} {1} + {2}",
              domain="X (n×k), W (k×m) and a bias broadcastable to (n×m)",
              vjp=_affine_vjp, jvp=_affine_jvp, doc="dense layer X@W + b"),
    Primitive("transpose", 1, _transpose, (_S(lambda A, o: 1.0),),
              None, "{0}ᵀ", "{0}^{{\\top}}",
              vjp=_transpose_rule, jvp=_transpose_rule, doc="reverse the axes"),
    Primitive("sumsq", 1, _sumsq, (_S(lambda A, o: 2.0 * A[0]),),
              None, "‖{0}‖²", r"\lVert {0} \rVert^{{2}}",
              vjp=_sumsq_vjp, jvp=_sumsq_jvp, doc="sum of squares (an L2 penalty)"),
    Primitive("mse", 2, _mse, (_S(lambda A, o: 2.0 * (A[0] - A[1])),
                               _S(lambda A, o: -2.0 * (A[0] - A[1]))),
              None, "mse({0}, {1})",
              r"\operatorname{{mse}}({0}, {1})", domain="arrays of broadcastable shapes",
              vjp=_mse_vjp, jvp=_mse_jvp, doc="mean of squared differences"),
    Primitive("softmax_ce", 2, _softmax_ce, (_S(lambda A, o: 0.0), _S(lambda A, o: 0.0)),
              None, "CE(softmax({0}), {1})",
              r"\operatorname{{CE}}(\operatorname{{softmax}}({0}), {1})",
              domain="logits and one-hot targets of the same shape",
              vjp=_softmax_ce_vjp, jvp=_softmax_ce_jvp,
              doc="mean over rows of −Σ t·log softmax(z) (softmax over the last axis)"),
    *(_reduction(kind, axis) for kind in ("sum", "mean") for axis in AXES),
)

#: Names of the array rows (in the order above).
ARRAY_OPS: tuple[str, ...] = tuple(r.name for r in ARRAY_ROWS)


# --- data helpers ------------------------------------------------------------------------

def one_hot(labels: Any, classes: int | None = None) -> np.ndarray:
    """Integer labels as one-hot rows.

    >>> one_hot([0, 2, 1]).tolist()
    [[1.0, 0.0, 0.0], [0.0, 0.0, 1.0], [0.0, 1.0, 0.0]]
    """
    y = np.asarray(labels)
    if y.ndim != 1 or not np.issubdtype(y.dtype, np.integer) and not np.all(y == np.round(y)):
        raise ValueError("one_hot needs a 1-D array of whole-number class labels")
    y = y.astype(int)
    k = int(y.max()) + 1 if classes is None else int(classes)
    if y.size and (y.min() < 0 or y.max() >= k):
        raise ValueError(f"labels must lie in 0..{k - 1}, got {y.min()}..{y.max()}")
    out = np.zeros((y.size, k))
    out[np.arange(y.size), y] = 1.0
    return out


# --- shapes for display ------------------------------------------------------------------

def shape_text(shape: tuple[int, ...]) -> str:
    """A shape as text: ``()`` → ``1``, ``(4,)`` → ``4``, ``(4, 3)`` → ``(4×3)``.

    >>> shape_text(()), shape_text((4,)), shape_text((4, 3))
    ('1', '4', '(4×3)')
    """
    if len(shape) == 0:
        return "1"
    return str(shape[0]) if len(shape) == 1 else "(" + "×".join(map(str, shape)) + ")"


class JacobianShape(NamedTuple):
    """The shape of the Jacobian on an edge: ``∂child/∂parent`` is ``out × arg``."""

    child: str
    parent: str
    out: tuple[int, ...]
    arg: tuple[int, ...]

    @property
    def size(self) -> int:
        """Number of entries of the (never materialised) Jacobian."""
        return int(np.prod(self.out, dtype=np.int64) * np.prod(self.arg, dtype=np.int64))

    @property
    def label(self) -> str:
        """E.g. ``'∂h/∂W: 4×(4×3)'``."""
        return f"∂{self.child}/∂{self.parent}: {self}"

    def __str__(self) -> str:
        return f"{shape_text(self.out)}×{shape_text(self.arg)}"


def jacobian_shape(run: Any, edge_index: int) -> JacobianShape:
    """Shape of the Jacobian ∂child/∂parent on edge ``edge_index`` of a run.

    ``str()`` of the result is the edge label's shape (``4×(4×3)``); ``.label`` adds the
    names (``∂h/∂W: 4×(4×3)``).

    >>> import numpy as np
    >>> from autodiff_viz.core.build import from_function
    >>> from autodiff_viz.core.passes import evaluate
    >>> from autodiff_viz.core.functions import tanh
    >>> run = evaluate(from_function(lambda W, x: tanh(W @ x)),
    ...                {"W": np.ones((4, 3)), "x": np.ones(3)})
    >>> jacobian_shape(run, 0).label
    '∂a/∂W: 4×(4×3)'
    """
    g = run.graph
    try:
        edge = g.edges[edge_index]
    except (IndexError, TypeError):
        raise IndexError(f"edge {edge_index!r} does not exist: this graph has "
                         f"{len(g.edges)} edges (0 to {len(g.edges) - 1})") from None
    return JacobianShape(edge.child, edge.parent, tuple(np.shape(run.values[edge.dst])),
                         tuple(np.shape(run.values[edge.src])))
