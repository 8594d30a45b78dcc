"""Jacobian-chain costs: the DP against brute force over every parenthesisation, and the
forward/reverse counts against products actually carried out on random matrices."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autodiff_viz.core.chain import (
    chain_cost,
    forward_tree,
    matrix_chain,
    multiplications,
    reverse_tree,
    table,
    tree_cost,
    tree_text,
)


def all_trees(lo: int, hi: int):
    """Every full parenthesisation of matrices lo..hi (product order), as nested pairs."""
    if lo == hi:
        yield lo
        return
    for k in range(lo, hi):
        for left in all_trees(lo, k):
            for right in all_trees(k + 1, hi):
                yield (left, right)


def cost_by_shapes(dims, tree):
    """Multiply-adds of a tree over matrices with shapes dims[i-1]×dims[i]: (rows, cols, cost)."""
    if not isinstance(tree, tuple):
        return dims[tree - 1], dims[tree], 0
    r1, c1, k1 = cost_by_shapes(dims, tree[0])
    r2, c2, k2 = cost_by_shapes(dims, tree[1])
    assert c1 == r2
    return r1, c2, k1 + k2 + r1 * c1 * c2


def brute_force(dims):
    m = len(dims) - 1
    return min(cost_by_shapes(dims, t)[2] for t in all_trees(1, m))


class Counting:
    """A matrix that counts the scalar multiply-adds spent on products made from it."""

    def __init__(self, a, spent=0):
        self.a, self.spent = a, spent

    def __matmul__(self, other):
        m, k = self.a.shape
        n = other.a.shape[1]
        return Counting(self.a @ other.a, self.spent + other.spent + m * k * n)


def evaluate_tree(tree, mats):
    """Multiply J_k matrices (layer numbers as leaves) in the order given by the tree."""
    if not isinstance(tree, tuple):
        return mats[tree]
    return evaluate_tree(tree[0], mats) @ evaluate_tree(tree[1], mats)


def random_jacobians(widths, rng):
    # J_k = ∂y_k/∂y_{k-1} has shape n_k × n_{k-1}
    return {k: Counting(rng.normal(size=(widths[k], widths[k - 1])))
            for k in range(1, len(widths))}


@pytest.mark.parametrize("dims", [[10, 30, 5, 60], [40, 20, 30, 10, 30], [5, 4, 3, 2, 1],
                                  [1, 2, 3, 4, 5], [3, 3, 3, 3, 3, 3], [2, 7], [1, 100, 1, 1]])
def test_dp_equals_brute_force_on_known_chains(dims):
    best, tree = matrix_chain(dims)
    assert best == brute_force(dims)
    assert cost_by_shapes(dims, tree)[2] == best


def test_textbook_example():
    # CLRS 15.2: six matrices, optimal 15125 with ((A1(A2A3))((A4A5)A6))
    dims = [30, 35, 15, 5, 10, 20, 25]
    best, tree = matrix_chain(dims)
    assert best == 15125
    assert tree == ((1, (2, 3)), ((4, 5), 6))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(1, 40), min_size=2, max_size=8))
def test_chain_cost_against_brute_force_and_real_products(widths):
    c = chain_cost(widths)
    # brute force over every parenthesisation, written in product order J_L ⋯ J_1
    assert c.optimal == brute_force(widths[::-1])
    assert c.optimal <= min(c.forward, c.reverse)
    rng = np.random.default_rng(len(widths))
    L = len(widths) - 1
    mats = random_jacobians(widths, rng)
    full = evaluate_tree(reverse_tree(L), mats)
    for tree, claimed in [(forward_tree(L), c.forward), (reverse_tree(L), c.reverse),
                          (c.tree, c.optimal)]:
        product = evaluate_tree(tree, mats)
        assert product.spent == claimed == tree_cost(widths, tree)
        assert product.a.shape == (widths[-1], widths[0])
        np.testing.assert_allclose(product.a, full.a, rtol=1e-9, atol=1e-9)


def test_forward_and_reverse_closed_forms():
    widths = [784, 256, 64, 10, 1]
    n = widths
    forward = sum(n[k] * n[k - 1] * n[0] for k in range(2, len(n)))
    reverse = sum(n[-1] * n[k + 1] * n[k] for k in range(len(n) - 2))
    c = chain_cost(widths)
    assert (c.forward, c.reverse) == (forward, reverse)
    assert c.optimal == reverse  # narrowing network: backpropagation's order is the best
    assert c.parenthesization == "((J4 J3) J2) J1"
    assert c.speedup == pytest.approx(forward / reverse)


def test_widening_chain_prefers_forward_order():
    c = chain_cost([1, 10, 100, 1000])
    assert c.forward < c.reverse
    assert c.optimal == c.forward
    assert c.parenthesization == "J3 (J2 J1)"


def test_multiplications_list_each_product_with_its_shape():
    steps = multiplications([784, 256, 64, 10, 1], reverse_tree(4))
    assert [(a, b) for a, b, _, _ in steps] == [("J4", "J3"), ("(J4 J3)", "J2"),
                                                 ("((J4 J3) J2)", "J1")]
    assert [s for _, _, s, _ in steps] == [(1, 64), (1, 256), (1, 784)]
    assert [c for *_, c in steps] == [1 * 10 * 64, 1 * 64 * 256, 1 * 256 * 784]


def test_tree_text_and_table():
    assert tree_text(((3, 2), 1), outer=True) == "((J3 J2) J1)"
    text = table([[784, 256, 64, 10, 1], [2, 3]])
    lines = text.splitlines()
    assert len(lines) == 3 and "forward" in lines[0]
    assert "13354656" in lines[1] and "217728" in lines[1]


def test_long_chains_do_not_recurse():
    widths = [50 - (i % 7) for i in range(301)]
    c = chain_cost(widths)
    assert c.optimal <= c.reverse
    assert c.parenthesization.count("J") == 300


def test_number_of_trees_is_catalan():
    # sanity check of the brute force itself
    for m in range(1, 8):
        assert sum(1 for _ in all_trees(1, m)) == math.comb(2 * (m - 1), m - 1) // m


@pytest.mark.parametrize("bad", [[5], [], [3, 0, 2], [2, 2.5], "abc", [True, 3], 7])
def test_bad_widths_are_refused_with_a_reason(bad):
    with pytest.raises(ValueError, match="widths|chain"):
        chain_cost(bad)


def test_too_many_layers():
    with pytest.raises(ValueError, match="limit"):
        chain_cost([2] * 400)


def test_a_tree_that_skips_a_matrix_is_refused():
    with pytest.raises(ValueError, match="neighbouring"):
        multiplications([2, 3, 4, 5], ((3, 1), 2))


def test_every_tree_is_a_permutation_free_bracketing():
    # the optimal tree of a random chain lists J_L … J_1 in order
    rng = np.random.default_rng(0)
    for _ in range(20):
        widths = list(rng.integers(1, 30, size=rng.integers(2, 9)))
        text = chain_cost(widths).parenthesization
        order = [int(tok) for tok in text.replace("(", " ").replace(")", " ")
                 .replace("J", " ").split()]
        assert order == list(range(len(widths) - 1, 0, -1))
        assert list(itertools.accumulate(1 if ch == "(" else -1 if ch == ")" else 0
                                         for ch in text))[-1] == 0
