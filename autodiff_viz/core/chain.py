"""The cost of multiplying a chain of Jacobians: forward, reverse and the best order.

For an MLP with layer widths ``n_0 → n_1 → … → n_L`` the Jacobian of the output with respect
to the input is the product ``J = J_L ⋯ J_2 J_1`` of the layer Jacobians
``J_k = ∂y_k/∂y_{k-1}`` (``n_k × n_{k-1}``). Multiplying ``(a×b)(b×c)`` costs ``a·b·c``
multiply-adds, and the order matters:

- forward accumulation starts at the input: ``J_L (⋯ (J_3 (J_2 J_1)))``;
- reverse accumulation (backpropagation) starts at the output: ``((J_L J_{L-1}) ⋯) J_1``;
- the cheapest order is the classic matrix-chain-multiplication problem, solved by dynamic
  programming in O(L³).

Networks usually narrow towards the output, so reverse accumulation usually wins; it is not
always optimal, even with a single output (widths 1-100-1-1 favour ``J3 (J2 J1)``), which is
why the dynamic programme is worth having.

>>> c = chain_cost([784, 256, 64, 10, 1])
>>> c.forward, c.reverse, c.optimal
(13354656, 217728, 217728)
>>> c.parenthesization
'((J4 J3) J2) J1'
>>> print(table([[784, 256, 64, 10, 1]]))
widths             forward    reverse    optimal  forward/reverse  best order
784-256-64-10-1   13354656     217728     217728            61.3×  ((J4 J3) J2) J1
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import NamedTuple

__all__ = ["ChainCost", "chain_cost", "matrix_chain", "tree_cost", "forward_tree",
           "reverse_tree", "tree_text", "multiplications", "table", "MAX_LAYERS"]

MAX_LAYERS = 300

#: A parenthesisation: a layer number ``k`` (the matrix ``J_k``) or a pair (left, right).
Tree = int | tuple  # int | tuple[Tree, Tree]


class ChainCost(NamedTuple):
    """Multiply-add counts for one chain of layer widths."""

    widths: tuple[int, ...]
    forward: int
    reverse: int
    optimal: int
    tree: Tree
    parenthesization: str

    @property
    def speedup(self) -> float:
        """forward / reverse."""
        return self.forward / self.reverse if self.reverse else 1.0


def _check(widths: Iterable[int]) -> tuple[int, ...]:
    try:
        ws = tuple(widths)
    except TypeError:
        raise ValueError("widths must be a list of layer widths such as [784, 256, 10, 1]")\
            from None
    if len(ws) < 2:
        raise ValueError(f"a chain needs at least two widths (input and output), got {ws!r}")
    if len(ws) - 1 > MAX_LAYERS:
        raise ValueError(f"{len(ws) - 1} layers: the limit is {MAX_LAYERS} (the dynamic "
                         "programme takes cubic time)")
    for w in ws:
        try:
            ok = not isinstance(w, (bool, str)) and float(w).is_integer() and w >= 1
        except (TypeError, ValueError):
            ok = False
        if not ok:
            raise ValueError(f"widths must be positive whole numbers, got {w!r} in {ws!r}")
    return tuple(int(w) for w in ws)


def _dims(widths: tuple[int, ...]) -> tuple[int, ...]:
    """Matrix-chain dimensions in product order ``J_L ⋯ J_1``: ``(n_L, n_{L-1}, …, n_0)``."""
    return widths[::-1]


def forward_tree(layers: int) -> Tree:
    """``J_L (⋯ (J_2 J_1))``: start from the input side.

    >>> forward_tree(3)
    (3, (2, 1))
    """
    t: Tree = 1
    for k in range(2, layers + 1):
        t = (k, t)
    return t


def reverse_tree(layers: int) -> Tree:
    """``((J_L J_{L-1}) ⋯) J_1``: start from the output side.

    >>> reverse_tree(3)
    ((3, 2), 1)
    """
    t: Tree = layers
    for k in range(layers - 1, 0, -1):
        t = (t, k)
    return t


def _span(t: Tree) -> tuple[int, int]:
    """(highest, lowest) layer number in a subtree (its product is ``n_hi × n_{lo-1}``)."""
    hi = lo = None
    stack = [t]
    while stack:
        x = stack.pop()
        if isinstance(x, tuple):
            stack.extend(x)
        else:
            hi = x if hi is None else max(hi, x)
            lo = x if lo is None else min(lo, x)
    return hi, lo


def multiplications(widths: Sequence[int], tree: Tree) -> list[tuple[str, str, tuple, int]]:
    """The products of ``tree`` in the order they are done: ``(left, right, shape, cost)``.

    >>> multiplications([3, 2, 1], reverse_tree(2))
    [('J2', 'J1', (1, 3), 6)]
    """
    ws = _check(widths)
    out: list[tuple[str, str, tuple, int]] = []
    stack: list[tuple[Tree, bool]] = [(tree, False)]
    while stack:
        t, ready = stack.pop()
        if not isinstance(t, tuple):
            continue
        if not ready:
            stack += [(t, True), (t[1], False), (t[0], False)]
            continue
        (hl, ll), (hr, lr) = _span(t[0]), _span(t[1])
        if ll != hr + 1:
            raise ValueError(f"{tree_text(t)} does not multiply neighbouring Jacobians in "
                             "order J_L ⋯ J_1")
        cost = ws[hl] * ws[ll - 1] * ws[lr - 1]
        out.append((tree_text(t[0], outer=True), tree_text(t[1], outer=True),
                    (ws[hl], ws[lr - 1]), cost))
    return out


def tree_cost(widths: Sequence[int], tree: Tree) -> int:
    """Multiply-adds needed to evaluate the product in the order given by ``tree``.

    >>> tree_cost([784, 256, 64, 10, 1], forward_tree(4))
    13354656
    """
    return sum(c for *_, c in multiplications(widths, tree))


def matrix_chain(dims: Sequence[int]) -> tuple[int, tuple]:
    """Optimal cost and split tree for ``A_1 ⋯ A_m`` with ``A_i`` of shape ``dims[i-1]×dims[i]``.

    Leaves of the tree are matrix positions 1..m. Ties go to the leftmost split.

    >>> matrix_chain([10, 30, 5, 60])
    (4500, ((1, 2), 3))
    """
    p = list(dims)
    m = len(p) - 1
    if m < 1:
        raise ValueError("a chain needs at least one matrix (two dimensions)")
    cost = [[0] * (m + 1) for _ in range(m + 1)]
    split = [[0] * (m + 1) for _ in range(m + 1)]
    for length in range(2, m + 1):
        for i in range(1, m - length + 2):
            j = i + length - 1
            best, arg = None, i
            for k in range(i, j):
                c = cost[i][k] + cost[k + 1][j] + p[i - 1] * p[k] * p[j]
                if best is None or c < best:
                    best, arg = c, k
            cost[i][j], split[i][j] = best, arg
    # rebuild the tree without recursion
    trees: dict[tuple[int, int], tuple | int] = {}
    stack = [(1, m, False)]
    while stack:
        i, j, ready = stack.pop()
        if i == j:
            trees[(i, j)] = i
            continue
        k = split[i][j]
        if ready:
            trees[(i, j)] = (trees[(i, k)], trees[(k + 1, j)])
        else:
            stack += [(i, j, True), (k + 1, j, False), (i, k, False)]
    return cost[1][m], trees[(1, m)]


def _relabel(tree: tuple | int, layers: int) -> Tree:
    """Matrix positions 1..L (product order) to layer numbers L..1."""
    out: dict[int, Tree] = {}

    def get(t: tuple | int) -> Tree:
        return out[id(t)] if isinstance(t, tuple) else layers + 1 - t

    stack: list[tuple[tuple | int, bool]] = [(tree, False)]
    while stack:
        t, ready = stack.pop()
        if not isinstance(t, tuple):
            continue
        if ready:
            out[id(t)] = (get(t[0]), get(t[1]))
        else:
            stack += [(t, True), (t[1], False), (t[0], False)]
    return get(tree)


def tree_text(tree: Tree, outer: bool = False) -> str:
    """``((J4 J3) J2) J1``-style text (outermost brackets dropped unless ``outer``).

    >>> tree_text(((3, 2), 1)), tree_text((3, (2, 1)))
    ('(J3 J2) J1', 'J3 (J2 J1)')
    """
    if not isinstance(tree, tuple):
        return f"J{tree}"
    texts: dict[int, str] = {}
    stack: list[tuple[Tree, bool]] = [(tree, False)]
    while stack:
        t, ready = stack.pop()
        if not isinstance(t, tuple):
            continue
        if ready:
            parts = [texts[id(s)] if isinstance(s, tuple) else f"J{s}" for s in t]
            texts[id(t)] = "(" + " ".join(parts) + ")"
        else:
            stack += [(t, True), (t[1], False), (t[0], False)]
    text = texts[id(tree)]
    return text if outer else text[1:-1]


def chain_cost(widths: Sequence[int]) -> ChainCost:
    """Forward, reverse and optimal multiply-add counts for widths ``n_0, …, n_L``.

    >>> chain_cost([2, 3, 4]).parenthesization  # widening: start from the input
    'J2 J1'
    """
    ws = _check(widths)
    layers = len(ws) - 1
    best, positions = matrix_chain(_dims(ws))
    tree = _relabel(positions, layers)
    return ChainCost(ws, tree_cost(ws, forward_tree(layers)), tree_cost(ws, reverse_tree(layers)),
                     best, tree, tree_text(tree))


def table(chains: Iterable[Sequence[int]]) -> str:
    """A plain-text table of :func:`chain_cost` for several chains."""
    rows = [chain_cost(c) for c in chains]
    names = ["-".join(map(str, r.widths)) for r in rows]
    w = max([len("widths"), *map(len, names)])
    lines = [f"{'widths':<{w}}  {'forward':>9}  {'reverse':>9}  {'optimal':>9}  "
             f"{'forward/reverse':>15}  best order"]
    for name, r in zip(names, rows, strict=True):
        lines.append(f"{name:<{w}}  {r.forward:>9}  {r.reverse:>9}  {r.optimal:>9}  "
                     f"{r.speedup:>14.1f}×  {r.parenthesization}")
    return "\n".join(lines)
