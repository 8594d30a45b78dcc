"""Exports (figure files, the HTML stepper page), the command line, missing Graphviz, size."""

from __future__ import annotations

import json
import math
import re
import time

import pytest

import autodiff_viz as adv
from autodiff_viz.cli import main
from autodiff_viz.render import (
    DotNotFound,
    RenderError,
    draw,
    draw_structure,
    export_html,
    frames,
    save,
)
from autodiff_viz.render.explain import explain
from autodiff_viz.render.view import ints

PROGRAM = "a = log(x)\nb = a*y\nc = sqrt(b)\nf = c + b"
EXPRESSION = "sqrt(log(x)*y) + log(x)*y"
L3 = math.log(3)


@pytest.fixture
def run():
    return adv.graph(PROGRAM).evaluate(x=3, y=2)


@pytest.mark.dot
@pytest.mark.parametrize("ext, magic", [(".svg", b"<svg"), (".png", b"\x89PNG"),
                                        (".pdf", b"%PDF"), (".dot", b"digraph")])
def test_save_writes_each_format(run, tmp_path, ext, magic):
    path = tmp_path / f"fig{ext}"
    assert run.save(str(path), step=6) == str(path)
    data = path.read_bytes()
    assert magic in data[:400]
    if ext == ".svg":
        assert 'class="node op adjoint current"' in data.decode()


def test_save_refuses_unknown_extensions(run, tmp_path):
    with pytest.raises(RenderError, match=r"\.svg, \.png, \.pdf"):
        save(run, tmp_path / "fig.jpeg")


def page_data(text: str) -> dict:
    """The view data embedded in an exported page."""
    m = re.search(r'<script type="application/json" id="(adv-[0-9a-f]+)-data">(.*?)</script>',
                  text, re.S)
    assert m, "no view data in the page"
    assert f'<div class="adv-page" id="{m.group(1)}"></div>' in text
    return json.loads(m.group(2))


@pytest.mark.dot
def test_html_page_holds_the_view_data_and_needs_no_network(run, tmp_path):
    path = run.export_html(str(tmp_path / "walk.html"))
    text = open(path, encoding="utf-8").read()
    data = page_data(text)
    view = data["views"]["reverse||numeric"]
    assert view["n"] == len(run.steps) == 10
    titles = [data["strings"][t] for t in ints(view["title"])]
    assert titles == [explain(run, k).title for k in range(10)]
    assert all(data["layouts"].values())             # laid out natively: no WASM needed
    assert "id=\"adv-graphviz-source\"" not in text
    assert len(text.encode()) < 120_000
    # self-contained: no external scripts, styles, images or fonts
    assert not re.search(r'<(script|link|img|iframe)[^>]+(src|href)=', text)
    assert not re.search(r"url\(\s*['\"]?https?:", text)
    assert "@import" not in text
    assert "<svg" not in text                        # the browser draws the layout
    ids = re.findall(r'\bid="([^"]+)"', text)
    assert len(ids) == len(set(ids))
    assert any(f"{math.sqrt(2 * L3) + 2 * L3:#.4g}" in t for t in data["strings"])


@pytest.mark.dot
def test_html_of_a_view(run, tmp_path):
    path = export_html(run, tmp_path / "paths.html", view=run.paths("x"), title="paths <x>")
    text = open(path, encoding="utf-8").read()
    data = page_data(text)
    assert data["initial"] == {"mode": "paths", "wrt": "x", "labels": "numeric"}
    assert data["views"]["paths|x|numeric"]["n"] == 3
    assert "<title>paths &lt;x&gt;</title>" in text


def test_page_data_is_inert_in_every_html_parser_state(tmp_path):
    g = adv.graph("x*y")
    run = g.evaluate(x=1, y=2)
    text = open(export_html(run, tmp_path / "p.html", title="</script><!--<script>\u2028",
                            layout=False), encoding="utf-8").read()
    body = text.split("<body>", 1)[1]
    scripts = re.findall(r"<script[^>]*>(.*?)</script>", body, re.S)
    assert len(scripts) == 3                         # data, WASM Graphviz, the view
    for script in scripts[:2]:
        assert "<" not in script and ">" not in script and "\u2028" not in script
    assert page_data(text)["title"].startswith("</script><!--<script>")


def test_without_graphviz_the_source_still_works(run, tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # no dot, no neato
    fig = draw(run, step=6)
    assert "b = 2.197" in fig.source and "b̄ = 1.337" in fig.source
    for call in (lambda: fig.pipe(format="svg"), lambda: frames(run),
                 lambda: save(run, tmp_path / "fig.svg"),
                 lambda: draw_structure(run.graph).pipe(format="svg")):
        with pytest.raises(DotNotFound) as info:
            call()
        message = str(info.value)
        for hint in ("apt-get install graphviz", "conda install -c conda-forge graphviz",
                     "brew install graphviz", ".source"):
            assert hint in message
    # the page lays the graph out in the browser (WASM Graphviz comes along)
    page = open(export_html(run, tmp_path / "w.html"), encoding="utf-8").read()
    assert "id=\"adv-graphviz-source\"" in page and not any(page_data(page)["layouts"].values())
    assert save(run, tmp_path / "fig.dot").endswith("fig.dot")
    assert (tmp_path / "fig.dot").read_text(encoding="utf-8").startswith("digraph")
    # a run shown in a notebook: the browser view (WASM layout) instead of an SVG
    shown = run._repr_mimebundle_()
    shown = shown[0] if isinstance(shown, tuple) else shown
    assert "application/vnd.jupyter.widget-view+json" in shown and "image/svg+xml" not in shown
    assert run.graph._repr_mimebundle_() == {"text/plain": repr(run.graph)}


def test_big_graphs_are_refused_quickly_with_advice():
    expr = " + ".join(f"sin(x*{k})" for k in range(1, 80))
    g = adv.graph(expr)
    assert len(g.nodes) > 150
    run = g.evaluate(x=0.5)
    t = time.perf_counter()
    for call in (lambda: draw(run), lambda: frames(run), lambda: draw_structure(g),
                 lambda: export_html(run, "never-written.html")):
        with pytest.raises(RenderError, match=r"(?is)collapse.*max_nodes="):
            call()
    assert time.perf_counter() - t <= 2


@pytest.mark.dot
def test_max_nodes_override_draws_a_bigger_graph():
    expr = " + ".join(f"sin(x*{k})" for k in range(1, 40))
    run = adv.graph(expr).evaluate(x=0.5)
    assert 150 < len(run.graph.nodes) <= 170
    svg = draw(run, max_nodes=200).pipe(format="svg", encoding="utf-8")
    assert svg.count('class="node') == len(run.graph.nodes)


# --- command line -----------------------------------------------------------------------

@pytest.mark.dot
@pytest.mark.parametrize("spec, index", [("backward:3", 6), ("forward:2", 1), ("final", None),
                                         ("7", 7), ("backward:y", 7)])
def test_cli_render_step(tmp_path, capsys, spec, index):
    out = tmp_path / "fig.svg"
    assert main(["render", EXPRESSION, "--at", "x=3,y=2", "--step", spec, "-o", str(out)]) == 0
    svg = out.read_text(encoding="utf-8")
    run = adv.graph(EXPRESSION).evaluate(x=3, y=2)
    current = re.findall(r'<g id="(n\d+)" class="[^"]*current', svg)
    if index is None:
        assert current == []
    else:
        assert current == [f"n{run.graph.index(run.steps[index].node)}"]
    assert capsys.readouterr().out.strip() == str(out)


@pytest.mark.dot
def test_cli_html_and_views(tmp_path):
    out = tmp_path / "walk.html"
    assert main(["html", EXPRESSION, "--at", "x=3,y=2", "-o", str(out)]) == 0
    assert page_data(out.read_text(encoding="utf-8"))["views"]["reverse||numeric"]["n"] == 10
    assert main(["render", EXPRESSION, "--at", "x=3,y=2", "--view", "tangent:x",
                 "--step", "tangent:2", "-o", str(tmp_path / "t.png")]) == 0
    assert (tmp_path / "t.png").read_bytes()[:4] == b"\x89PNG"


@pytest.mark.parametrize("args, message", [
    (["--step", "backward:99"], "there are 6 backward steps"),
    (["--step", "sideways:1"], "not understood"),
    (["--step", "backward:q"], "no backward step computes a node named 'q'"),
    (["--step", "42"], "there are 10 steps"),
    (["--view", "paths:z"], "'z' is not an input"),
    (["--at", "x=3,y=two"], "'two' is not a number"),
])
def test_cli_bad_input_is_a_message_and_exit_code_2(tmp_path, capsys, args, message):
    argv = ["render", EXPRESSION, "--at", "x=3,y=2", "-o", str(tmp_path / "f.svg"), *args]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
