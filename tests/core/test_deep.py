"""Deep and wide graphs: 100,000-step chains and 100,000-term sums, no recursion anywhere.

Every figure is checked against a closed form: the chain v ← v·c + d has derivative c^N, a sum
of inputs has gradient 1 for each, a sum of x·c_i has derivative Σ c_i.
"""

from __future__ import annotations

import math
import sys

import pytest

import autodiff_viz as adv
from autodiff_viz import ParseError
from autodiff_viz.core.graph import Graph
from autodiff_viz.core.passes import count_paths

N = 100_000
C, D = 0.99999, 0.1


def chain(x, n=N):
    v = x
    for _ in range(n):
        v = v * C + D
    return v


def chain_value(x0: float, n: int = N) -> float:
    """Closed form of the affine recurrence v ← v·c + d."""
    return x0 * C ** n + D * (1 - C ** n) / (1 - C)


@pytest.fixture(scope="module", autouse=True)
def low_recursion_limit():
    """Run with Python's default recursion limit, so any recursion over nodes would fail."""
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(1000)
    yield
    sys.setrecursionlimit(old)


@pytest.fixture
def traced_chain():
    return adv.graph(lambda x: chain(x))


@pytest.fixture
def program_chain():
    lines = ["v0 = x*1"] + [f"v{k} = v{k - 1}*{C} + {D}" for k in range(1, N + 1)]
    return adv.graph("\n".join(lines))


@pytest.mark.parametrize("which", ["traced_chain", "program_chain"])
def test_deep_chain(which, request):
    g = request.getfixturevalue(which)
    assert len(g.nodes) >= 2 * N
    run = g.evaluate(x=0.5)
    assert run.value == pytest.approx(chain_value(0.5), rel=1e-9)
    assert run.grad["x"] == pytest.approx(C ** N, rel=1e-9)
    assert run.forward_mode("x").value == pytest.approx(C ** N, rel=1e-9)
    assert count_paths(g, "x") == 1
    paths = run.paths("x")
    assert paths.count == 1 and len(paths[0].edges) >= 2 * N
    assert paths.total == pytest.approx(C ** N, rel=1e-9)
    # the step script: forward steps then backward steps, read from either end
    steps = run.steps
    assert steps[0].phase == "forward" and steps[-1].phase == "backward"
    assert steps[-1].node == "x" and steps[-1].adjoint == run.grad["x"]
    k = sum(1 for s in steps if s.phase == "forward")
    assert steps[k].node == g.output.name and steps[k].adjoint == 1.0
    if which == "program_chain":  # the lecturer's names are kept
        assert g.output.name == f"v{N}"
        assert g.node("v7").op == "add" and g.node("v0").op == "mul"


def test_wide_sum_of_inputs_by_program():
    names = [f"x{k}" for k in range(N)]
    lines = [f"s1 = {names[0]} + {names[1]}"] + [
        f"s{k} = s{k - 1} + {names[k]}" for k in range(2, N)]
    g = adv.graph("\n".join(lines))
    assert len(g.inputs) == N
    values = {n: k / N for k, n in enumerate(names)}
    run = g.evaluate(values)
    assert run.value == pytest.approx(math.fsum(values.values()), rel=1e-12)
    grad = run.grad
    assert len(grad) == N and set(grad.values()) == {1.0}
    assert run.forward_mode("x7").value == 1.0
    assert run.paths("x0").total == 1.0 and count_paths(g, "x0") == 1


def test_wide_sum_by_tracing():
    weights = [1.0 + k / N for k in range(N)]

    def wide(x):
        s = x * weights[0]
        for w in weights[1:]:
            s = s + x * w
        return s

    g = adv.graph(wide)
    run = g.evaluate(x=2.0)
    assert run.value == pytest.approx(2.0 * math.fsum(weights), rel=1e-12)
    assert run.grad["x"] == pytest.approx(math.fsum(weights), rel=1e-12)
    assert len(g.out_edges[g.index("x")]) == N
    assert len(run.step("backward", "x").contributions) == N
    assert run.forward_mode("x").value == pytest.approx(math.fsum(weights), rel=1e-12)
    # 100,000 paths: counted in linear time; listing them one by one is refused clearly
    assert count_paths(g, "x") == N
    with pytest.raises(ValueError, match="100000 paths"):
        run.paths("x")


def test_sum_of_many_distinct_constants_is_named_in_linear_time():
    # constants that print alike get #2, #3, ...; 100,000 of them must not take quadratic time
    g = adv.graph(lambda x: sum((x * (1.0 + k * 1e-12) for k in range(N)), x))
    names = [n.name for n in g.nodes if n.op == "const"]
    assert len(names) == len(set(names)) == N


def test_from_ops_sorts_a_deep_chain_without_recursion():
    ops = [(f"v{k}", "sin", (f"v{k - 1}",)) for k in range(N, 0, -1)] + [("v0", "input", ())]
    g = Graph.from_ops(ops)
    assert g.inputs == ("v0",) and g.output.name == f"v{N}"
    run = adv.graph(g).evaluate(v0=0.3)
    x, d = 0.3, 1.0
    for _ in range(N):
        x, d = math.sin(x), d * math.cos(x)
    assert run.value == pytest.approx(x, rel=1e-9)
    assert run.grad["v0"] == pytest.approx(d, rel=1e-9)


@pytest.mark.parametrize("text", [
    "sqrt(" * N + "x" + ")" * N,
    "(" * N + "x" + ")" * N,
    "-" * N + "x",
    "x" + "**x" * N,
    "x" + "+x" * N,
    "a = " + "log(" * N + "x" + ")" * N,
])
def test_too_deeply_nested_text_is_a_parse_error(text):
    with pytest.raises(ParseError) as info:
        adv.graph(text)
    message = str(info.value)
    assert "nested" in message or "nesting" in message
    assert "one assignment per line" in message or "nested parentheses" in message
