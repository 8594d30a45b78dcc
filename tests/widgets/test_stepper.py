"""Headless tests of the Stepper on the worked example (no browser, no kernel).

The Stepper sends view data (one layout per label style, a table of cells per step) to the
browser view; these tests read what the view would show straight from that data. Expected
numbers come from the published example's exact forms, not from our engine.
"""

from __future__ import annotations

import json
import math
import os
import shutil

import numpy as np
import pytest
import traitlets

import autodiff_viz as adv
from autodiff_viz.core import InputError, ParseError
from autodiff_viz.render import engine
from autodiff_viz.render.view import MAX_PATHS, ints, table, view_key
from autodiff_viz.widgets import Stepper
from autodiff_viz.widgets import stepper as stepper_module
from autodiff_viz.widgets import view as view_module

pytestmark = pytest.mark.dot

PROGRAM = "a = log(x)\nb = a*y\nc = sqrt(b)\nf = c + b"
L3 = math.log(3)
ADJ_B = 1 + 1 / (2 * math.sqrt(2 * L3))            # b's adjoint: 1 + dc/db · 1
DFDX = 1 / (3 * math.sqrt(2 * L3)) + 2 / 3          # ≈ 0.891542
DFDY = math.sqrt(L3 / 8) + L3                       # ≈ 1.469188


def shown(v: float) -> str:
    """How a number appears with 4 significant digits."""
    return f"{v:#.4g}"


@pytest.fixture
def stepper():
    s = Stepper(PROGRAM, x=3, y=2)
    yield s
    s.close()


def on_show(s: Stepper, k: int | None = None) -> dict[str, str]:
    """Node name -> its text lines, as the browser view shows them at step ``k``."""
    data = s.data
    view = data["views"][view_key(s.mode, s.wrt, s.labels)]
    cells = table(view)[s.step if k is None else k]
    strings, offsets = data["strings"], data["offsets"]
    return {node.name: "\n".join(strings[c] for c in cells[offsets[i]:offsets[i + 1] - 1])
            for i, node in enumerate(s.graph.nodes)}


def state_of(s: Stepper, name: str) -> str:
    data = s.data
    view = data["views"][view_key(s.mode, s.wrt, s.labels)]
    i = s.graph.index(name)
    return data["strings"][table(view)[s.step][data["offsets"][i + 1] - 1]]


def test_walks_every_step_of_the_worked_example(stepper):
    s = stepper
    # 4 equations in the forward pass; 6 nodes (x, y, a, b, c, f) in the backward pass.
    assert s.n_steps == 10
    b_back = 4 + ["f", "c", "b"].index("b")
    titles = []
    for k in range(s.n_steps):
        if k:
            s.next()
        assert s.step == k
        text = on_show(s)
        titles.append(s.title)
        assert f"({k + 1}/10)" in s.title          # one numbering: title, slider, step
        assert (shown(ADJ_B) in text["b"]) == (k >= b_back), (k, s.title)
        assert (shown(DFDX) in text["x"]) == (k == s.n_steps - 1), k
        assert (shown(2 * L3) in text["b"]) == (k >= 1), k
        assert state_of(s, s.steps[k].node).endswith(" current")
    assert titles[2] == "Forward pass, step 3 of 4 (3/10): c = √b"
    assert all(t.startswith("Forward pass") for t in titles[:4])
    assert all(t.startswith("Backward pass") for t in titles[4:])
    b = s.explanation_at(b_back)
    assert "c̄·∂c/∂b" in b.text and "f̄·∂f/∂b" in b.text
    view = s.data["views"][view_key("reverse", None, "numeric")]
    assert s.data["strings"][ints(view["text"])[b_back]] == b.text    # the view shows these words
    s.next()  # stays on the last step
    assert s.step == s.n_steps - 1


def test_step_trait_prev_and_reset(stepper):
    s = stepper
    s.step = 7
    s.prev()
    assert s.step == 6
    s.reset()
    assert s.step == 0
    s.prev()
    assert s.step == 0
    with pytest.raises(traitlets.TraitError, match="0 to 9"):
        s.step = 10


def test_stepping_and_switching_views_do_not_recompute(stepper, monkeypatch):
    stepper.labels = "both"      # a label style other than the first is made once, when asked
    stepper.labels = "numeric"
    calls = []
    monkeypatch.setattr(stepper_module, "view_data", lambda *a, **k: calls.append(a) or {})
    for _ in range(stepper.n_steps):
        stepper.next()
    stepper.reset()
    stepper.mode, stepper.labels, stepper.wrt = "forward", "both", "y"
    stepper.mode = "paths"
    assert calls == []


def test_widget_state_is_small_and_holds_data_not_pictures(stepper):
    from ipywidgets.embed import dependency_state, embed_data

    state = embed_data(views=[stepper], state=dependency_state(stepper))
    text = json.dumps(state["manager_state"])
    assert "<svg" not in text
    # the shown label style's layout + the step table of every mode: ≤ 30 kB without the bundle
    data = json.dumps(stepper.data, ensure_ascii=False, separators=(",", ":"))
    assert len(data.encode()) <= 30_000
    assert len(stepper.data["views"]) == 1 + 2 + 2   # reverse, forward ×2, paths ×2
    stepper.labels = "symbolic"                      # other label styles: made when asked for
    assert len(stepper.data["views"]) == 2 * (1 + 2 + 2)


def test_one_graphviz_layout_per_label_style_and_no_frames():
    engine.clear_cache()
    engine.STATS.clear()
    s = Stepper("sqrt(log(x)*y) + log(x)*y", x=3, y=2)
    assert dict(engine.STATS) == {"layout": 1}     # numeric only (the others when asked for)
    s.set_inputs(x=4)                                # new numbers, same (cached) layout
    assert dict(engine.STATS) == {"layout": 1}
    s.labels = "both"                                # one more layout, on request
    assert dict(engine.STATS) == {"layout": 2}
    s.close()


def test_input_change_keeps_layout_and_step(stepper):
    s = stepper
    s.step = 6
    layouts = json.dumps(s.data["layouts"])
    s._on_message(s, {"kind": "inputs", "values": {"x": 4.0}}, [])   # the view's input box
    assert s.step == 6
    l4 = math.log(4)
    assert s.run.grad["x"] == pytest.approx(1 / (4 * math.sqrt(2 * l4)) + 2 / 4, rel=1e-12)
    assert json.dumps(s.data["layouts"]) == layouts
    assert shown(1 + 1 / (2 * math.sqrt(2 * l4))) in on_show(s)["b"]  # the new adjoint of b
    for x, y in [(10, 5), (1.5, 0.5), (100, 0.01), (2.718281828, 123.456)]:  # other widths
        assert s.set_inputs(x=x, y=y)
        assert json.dumps(s.data["layouts"]) == layouts, (x, y)
        assert s.run.grad["y"] == pytest.approx(math.sqrt(math.log(x) / (4 * y)) + math.log(x))


def test_bad_input_value_shows_a_message_and_keeps_the_figure(stepper):
    s = stepper
    s.step = 9
    before = json.dumps(s.data)
    assert not s.set_inputs(x=-1.0)
    assert "log" in s.message and "domain" in s.message
    assert json.dumps(s.data) == before and s.run.grad["x"] == pytest.approx(DFDX)
    s._on_message(s, {"kind": "inputs", "values": {"x": "three"}}, [])
    assert "'three' is not a number" in s.message
    assert s.set_inputs(x=3.0) and s.message == ""


def test_the_kernel_answers_hello(stepper, monkeypatch):
    sent = []
    monkeypatch.setattr(stepper, "send", lambda msg, *a, **k: sent.append(msg))
    stepper._on_message(stepper, {"kind": "hello"}, [])
    assert sent == [{"kind": "hello"}]


def test_modes_forward_and_paths(stepper):
    s = stepper
    s.mode = "forward"
    assert s.n_steps == 6 and s.step == 0          # x, a, y, b, c, f in topological order
    s.step = s.n_steps - 1
    assert shown(DFDX) in s.explanation.text and shown(DFDX) in on_show(s)["f"]
    s.wrt = "y"
    s.step = s.n_steps - 1
    assert shown(DFDY) in s.explanation.text
    s.mode = "paths"
    s.wrt = "x"
    assert s.n_steps == 3                          # two paths, then their sum
    assert s.explanation.title.endswith("x → a → b → c → f")
    assert state_of(s, "c") == "path"
    s.step = 2
    assert shown(DFDX) in s.explanation.text
    s.mode = "reverse"
    assert s.n_steps == 10


def test_label_modes_keep_the_step(stepper):
    s = stepper
    s.step = 5
    numeric = on_show(s)
    s.labels = "symbolic"
    assert s.step == 5 and on_show(s) != numeric
    assert "√" in on_show(s)["c"]
    s.labels = "both"
    assert s.step == 5
    with pytest.raises(traitlets.TraitError, match="'numeric', 'symbolic', 'both'"):
        s.labels = "fancy"


def test_other_sources_and_clear_errors(seed_run):
    s = Stepper(seed_run)                       # a run: its inputs are the defaults
    assert s.run.grad["y"] == pytest.approx(DFDY)
    s.close()
    s = adv.Stepper(lambda x, y: adv.sqrt(adv.log(x) * y) + adv.log(x) * y, x=3, y=2)
    assert s.run.grad["x"] == pytest.approx(DFDX)
    s.close()
    with pytest.raises(InputError, match=r"Stepper\(\.\.\., x=1.0, y=1.0\)"):
        Stepper(PROGRAM, x=3)
    with pytest.raises(ValueError, match="'reverse', 'forward', 'paths'"):
        Stepper(PROGRAM, x=3, y=2, mode="sideways")
    with pytest.raises(ParseError):
        Stepper("log(x", x=3)


def test_paths_mode_lists_the_first_paths_then_sums_all_of_them_by_the_linear_pass():
    # x feeds every line twice: P(v_k) = 2·P(v_k-1) + 1 paths, so 2**20 - 1 from x to v19
    prog = "\n".join(["v0 = x*1"] + [f"v{k} = v{k-1}*x + v{k-1}" for k in range(1, 20)])
    count = 2**20 - 1
    s = Stepper(prog, x=0.5)
    s.mode = "paths"
    assert s.message == "" and s.mode == "paths"
    assert s.n_steps == MAX_PATHS + 1                  # the listed paths, then the sum
    s.step = s.n_steps - 1
    assert f"{count:,} paths" in s.title
    words = s.data["strings"][ints(s.data["views"][view_key("paths", "x", "numeric")]["text"])[-1]]
    assert "exponentially" in words and f"{count - MAX_PATHS:,}" in words
    total = s.view.steps[-1].adjoint
    assert total == pytest.approx(s.run.grad["x"], rel=1e-12)     # the sum over ALL paths
    h = 1e-6   # an independent oracle: central differences of the function itself
    f = adv.graph(prog)
    slope = (f.evaluate(x=0.5 + h).value - f.evaluate(x=0.5 - h).value) / (2 * h)
    assert total == pytest.approx(slope, rel=1e-6)
    s.mode = "forward"                          # forward mode is linear: fine
    assert s.message == "" and s.n_steps == 2 + 2 * 19  # x, v0, then a product and a sum per line
    s.close()


def test_symbolic_labels_of_a_big_graph_are_made_when_asked():
    prog = "\n".join(["v0 = x*y"] + [f"v{k} = sin(v{k-1}) + y" for k in range(1, 16)])
    s = Stepper(prog, x=0.5, y=0.25)
    assert len(s.graph.nodes) > 30
    assert set(s.data["layouts"]) == {"numeric"}   # exact forms only when asked
    assert view_key("reverse", None, "symbolic") in s.data["missing"]
    s.step = 4
    s.labels = "symbolic"
    assert s.message == "" and s.step == 4
    assert view_key("reverse", None, "symbolic") in s.data["views"]
    s.close()


@pytest.fixture
def no_dot(monkeypatch, tmp_path):
    """PATH without Graphviz (python and the rest stay)."""
    folders = [p for p in os.environ["PATH"].split(os.pathsep)
               if p and not os.path.exists(os.path.join(p, "dot"))]
    monkeypatch.setenv("PATH", os.pathsep.join(folders))
    assert shutil.which("dot") is None
    view_module._GRAPHVIZ.clear()


def test_without_dot_the_browser_lays_out_and_wasm_is_shared(no_dot):
    engine.STATS.clear()
    a = Stepper(PROGRAM, x=3, y=2)
    b = Stepper("x*y + y", x=1, y=2)
    assert sum(engine.STATS.values()) == 0             # no Graphviz process at all
    assert all(v is None for v in a.data["layouts"].values())
    assert set(a.data["dot"]) == {"numeric"}
    assert a.data["dot"]["numeric"].startswith("digraph autodiff {")
    assert a.graphviz is not None and a.graphviz is b.graphviz   # one WASM model per kernel
    assert "wasm" in a.graphviz.source.lower() or len(a.graphviz.source) > 100_000
    a.next()
    assert a.step == 1 and shown(2 * L3) in on_show(a)["b"]
    a.close()
    b.close()


def test_array_graph_stepper_steps_and_explains_why_paths_are_missing():
    """An MLP-style array graph opens in a Stepper (its LaTeX formulas with an axis format
    cleanly); the paths view is listed as missing with the reason, and asking for it leaves
    the view as it was with one message."""
    rng = np.random.default_rng(0)
    g = adv.graph(lambda W, b, X: adv.mean(adv.sum(adv.square(adv.tanh(X @ W + b)), axis=1)))
    assert any(r"\mathrm{axis}\,1" in g.formula(n, "latex") for n in g.nodes)
    s = adv.Stepper(g, W=rng.normal(size=(3, 2)), b=np.zeros(2), X=rng.normal(size=(4, 3)))
    s.next()
    assert s.step == 1
    assert "scalar graphs" in s.data["missing"]["paths|W|numeric"]
    s.mode = "paths"
    assert s.mode == "reverse"
    assert "scalar graphs" in s.message and ".." not in s.message
