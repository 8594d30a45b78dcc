"""Headless tests of the Stepper on the worked example (no browser, no kernel).

Expected numbers come from the published example's exact forms, not from our engine.
"""

from __future__ import annotations

import math
import re

import ipywidgets as w
import pytest
import traitlets

import autodiff_viz as adv
from autodiff_viz.core import InputError, ParseError
from autodiff_viz.widgets import Stepper
from autodiff_viz.widgets import stepper as stepper_module

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


def classes_in(widget: w.Widget) -> set[str]:
    found, todo = set(), [widget]
    while todo:
        c = todo.pop()
        found.update(getattr(c, "_dom_classes", ()))
        todo.extend(getattr(c, "children", ()))
    return found


def node_positions(svg: str) -> dict[str, tuple[str, ...]]:
    """Node name -> the numbers of its shape (ellipse centre or polygon points)."""
    out = {}
    for m in re.finditer(r'<g id="[^"]*" class="node[^"]*">\s*<title>([^<]*)</title>(.*?)</g>',
                         svg, re.S):
        shape = re.search(r'<(?:ellipse|polygon|path)[^>]*?(?:cx="([^"]+)" cy="([^"]+)"|'
                          r'points="([^"]+)"|d="([^"]+)")', m.group(2))
        assert shape, m.group(0)[:200]
        out[m.group(1)] = tuple(x for x in shape.groups() if x)
    return out


def test_walks_every_step_of_the_worked_example(stepper):
    s = stepper
    # 4 equations in the forward pass; 6 nodes (x, y, a, b, c, f) in the backward pass.
    assert s.n_steps == 10
    b_back = 4 + ["f", "c", "b"].index("b")
    seen_titles = []
    for k in range(s.n_steps):
        if k:
            s.next()
        assert s.step == k == s._slider.value
        assert {st.selected_index for st in (s._titles, s._frames, s._explanations)} == {k}
        frame, e = s.frame, s.explanation
        assert frame.lstrip().startswith("<div") and "<svg" in frame
        seen_titles.append(e.title)
        # b's adjoint is on show only from its own backward step on
        assert (shown(ADJ_B) in frame) == (k >= b_back), (k, e.title)
        # ∂f/∂x appears only at the very end
        assert (shown(DFDX) in frame) == (k == s.n_steps - 1), k
        # the value of b (2 log 3) is not drawn before b is computed
        assert (shown(2 * L3) in frame) == (k >= 1), k
        # the slider's stack shows the explanation of this step
        assert s._titles.children[k].value == e.title
    assert seen_titles[2] == "Forward pass — step 3 of 4: c = √b"
    assert all(t.startswith("Forward pass") for t in seen_titles[:4])
    assert all(t.startswith("Backward pass") for t in seen_titles[4:])
    b = s.explanation_at(b_back)   # both contributions, in words and in the LaTeX shown
    assert "∂f/∂c·∂c/∂b" in b.text and "∂f/∂f·∂f/∂b" in b.text
    b_html = s._explanations.children[b_back].value
    assert r"\frac{\partial c}{\partial b}" in b_html and shown(ADJ_B) in b_html
    assert shown(DFDX) in s.explanation.text and "∂f/∂x" in s.explanation.text
    s.next()  # stays on the last step
    assert s.step == s.n_steps - 1


def test_step_trait_prev_reset_and_slider_stay_in_sync(stepper):
    s = stepper
    s.step = 7
    assert s._slider.value == 7 and s._frames.selected_index == 7
    s._slider.value = 3          # what the browser does when the slider moves
    assert s.step == 3 and s._explanations.selected_index == 3
    s.prev()
    assert s.step == 2
    s.reset()
    assert s.step == 0
    s.prev()
    assert s.step == 0
    with pytest.raises(traitlets.TraitError, match="0 to 9"):
        s.step = 10


def test_stepping_does_not_recompute_frames(stepper, monkeypatch):
    calls = []
    monkeypatch.setattr(stepper_module, "frames", lambda *a, **k: calls.append(a) or [])
    monkeypatch.setattr(stepper_module, "explanations", lambda *a, **k: calls.append(a) or [])
    for _ in range(stepper.n_steps):
        stepper.next()
    stepper.reset()
    assert calls == []


def test_stepping_is_linked_in_the_browser(stepper):
    """Slider ↔ Play and slider → the three stacks are jslinks (no kernel round trip)."""
    s = stepper
    pairs = {(l.source[0].model_id, l.source[1], l.target[0].model_id, l.target[1])
             for l in s._links if l._model_name == "LinkModel"}
    assert (s._play.model_id, "value", s._slider.model_id, "value") in pairs
    for stack in (s._titles, s._frames, s._explanations):
        assert (s._slider.model_id, "value", stack.model_id, "selected_index") in pairs


def test_exported_widget_state_holds_every_frame_and_the_links(stepper):
    from ipywidgets.embed import dependency_state, embed_data

    state = embed_data(views=[stepper], state=dependency_state(stepper))
    state = state["manager_state"]["state"]
    models = {k: v["model_name"] for k, v in state.items()}
    assert sum(1 for m in models.values() if m == "LinkModel") >= 4
    texts = [v["state"].get("value", "") for v in state.values()]
    assert sum(1 for t in texts if isinstance(t, str) and "<svg" in t) == stepper.n_steps


def test_input_change_keeps_layout_and_step(stepper):
    s = stepper
    s.step = 6
    before = node_positions(s.frame)
    assert len(before) == 6
    s._inputs["x"].value = 4.0      # what the browser sends when the box changes
    assert s.step == 6
    l4 = math.log(4)
    assert s.run.grad["x"] == pytest.approx(1 / (4 * math.sqrt(2 * l4)) + 2 / 4, rel=1e-12)
    assert node_positions(s.frame) == before
    assert shown(1 + 1 / (2 * math.sqrt(2 * l4))) in s.frame  # the new adjoint of b
    s.set_inputs(y=3)
    assert s.step == 6 and s._inputs["y"].value == 3.0
    assert node_positions(s.frame) == before
    for x, y in [(10, 5), (1.5, 0.5), (100, 0.01), (2.718281828, 123.456)]:  # other widths
        s.set_inputs(x=x, y=y)
        assert node_positions(s.frame) == before, (x, y)
        assert s.run.grad["y"] == pytest.approx(math.sqrt(math.log(x) / (4 * y)) + math.log(x))


def test_bad_input_value_shows_a_message_and_keeps_the_figure(stepper):
    s = stepper
    s.step = 9
    frame = s.frame
    s._inputs["x"].value = -1.0
    assert "log" in s.message and "domain" in s.message
    assert s.frame == frame and s.run.grad["x"] == pytest.approx(DFDX)
    s._inputs["x"].value = 3.0
    assert s.message == ""


def test_modes_forward_and_paths(stepper):
    s = stepper
    s.mode = "forward"
    assert s.n_steps == 6 and s.step == 0          # x, a, y, b, c, f in topological order
    s.step = s.n_steps - 1
    assert shown(DFDX) in s.explanation.text and shown(DFDX) in s.frame
    s.wrt = "y"
    s.step = s.n_steps - 1
    assert shown(DFDY) in s.explanation.text
    s.mode = "paths"
    s.wrt = "x"
    assert s.n_steps == 3                          # two paths, then their sum
    assert s.explanation.title.endswith("x → a → b → c → f")
    s.step = 2
    assert shown(DFDX) in s.explanation.text
    s.mode = "reverse"
    assert s.n_steps == 10


def test_label_modes_keep_the_step(stepper):
    s = stepper
    s.step = 5
    numeric = s.frame
    s.labels = "symbolic"
    assert s.step == 5 and s.frame != numeric
    s.labels = "both"
    assert s.step == 5
    with pytest.raises(ValueError, match="numeric, symbolic, both"):
        s.labels = "fancy"


def test_css_classes(stepper):
    found = classes_in(stepper)
    for name in ("adv-stepper", "adv-next", "adv-prev", "adv-reset", "adv-play", "adv-slider",
                 "adv-frame", "adv-explanation", "adv-title", "adv-mode", "adv-labels",
                 "adv-input", "adv-input-x", "adv-message"):
        assert name in found, name


def test_other_sources_and_clear_errors(seed_run):
    s = Stepper(seed_run)                       # a run: its inputs are the defaults
    assert s.run.grad["y"] == pytest.approx(DFDY)
    s.close()
    s = adv.Stepper(lambda x, y: adv.sqrt(adv.log(x) * y) + adv.log(x) * y, x=3, y=2)
    assert s.run.grad["x"] == pytest.approx(DFDX)
    s.close()
    with pytest.raises(InputError, match=r"Stepper\(\.\.\., x=1.0, y=1.0\)"):
        Stepper(PROGRAM, x=3)
    with pytest.raises(ValueError, match="reverse, forward, paths"):
        Stepper(PROGRAM, x=3, y=2, mode="sideways")
    with pytest.raises(ParseError):
        Stepper("log(x", x=3)


def test_a_mode_that_cannot_be_shown_says_why_and_keeps_the_figure():
    # x feeds every line twice: 2**19 paths from x, too many to list one by one
    prog = "\n".join(["v0 = x*1"] + [f"v{k} = v{k-1}*x + v{k-1}" for k in range(1, 20)])
    s = Stepper(prog, x=0.5)
    s.step = 3
    frame = s.frame
    s.mode = "paths"
    assert "paths" in s.message and "limit" in s.message
    assert s.mode == "reverse" and s._mode_box.value == "reverse"
    assert s.step == 3 and s.frame == frame
    s.mode = "forward"                          # forward mode is linear: fine
    assert s.message == "" and s.n_steps == 2 + 2 * 19  # x, v0, then a product and a sum per line
    s.close()
