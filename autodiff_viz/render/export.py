"""Exports: a figure file for slides (``save``) and a self-contained stepper page
(``export_html``: every frame inline, the explanation of each step, prev/next/play/slider
in plain JavaScript; no CDN, no network, no kernel).
"""

from __future__ import annotations

import html
import json
import os
import re
from typing import Any

from ..core.passes import Run
from . import engine
from .draw import draw, frames
from .errors import MAX_NODES, DotNotFound, RenderError
from .fmt import number
from .scene import view_steps

__all__ = ["save", "export_html", "FORMATS", "inline_svg", "page"]

#: File extension -> Graphviz output format.
FORMATS = {".svg": "svg", ".png": "png", ".pdf": "pdf", ".dot": "dot", ".gv": "dot"}
_PROLOGUE = re.compile(r"\A\s*(<\?xml[^>]*\?>\s*)?(<!DOCTYPE[^>]*>\s*)?(<!--.*?-->\s*)*", re.S)
_ID = re.compile(r'\bid="')


def save(run: Run, path: str | os.PathLike, step: int | None = None, *,
         labels: str = "numeric", view: Any = None, digits: int = 4,
         max_nodes: int = MAX_NODES, dpi: int = 150) -> str:
    """Write the figure after ``step`` to ``path`` (``.svg``, ``.png``, ``.pdf`` or ``.dot``).

    Returns the path written, as a string.
    """
    path = os.fspath(path)
    ext = os.path.splitext(path)[1].lower()
    if ext not in FORMATS:
        raise RenderError(f"cannot save {path!r}: the file name must end in one of "
                          f"{', '.join(FORMATS)}")
    fig = draw(run, step, labels, view, digits=digits, max_nodes=max_nodes)
    fmt = FORMATS[ext]
    if fmt == "dot":
        data = fig.source.encode("utf-8")
    else:
        if not fig.pinned:
            raise DotNotFound("dot")
        args = ["-n2", f"-T{fmt}"] + ([f"-Gdpi={int(dpi)}"] if fmt == "png" else [])
        data = engine.run_graphviz("neato", args, fig.source, "render")
    with open(path, "wb") as fh:
        fh.write(data)
    return path


def inline_svg(svg: str, prefix: str) -> str:
    """An SVG ready to sit inside HTML: no XML prologue, every ``id`` prefixed (unique).

    >>> inline_svg('<?xml version="1.0"?>\\n<svg id="graph0"><g id="n1"/></svg>', "f3-")
    '<svg id="f3-graph0"><g id="f3-n1"/></svg>'
    """
    return _ID.sub(f'id="{prefix}', _PROLOGUE.sub("", svg, count=1)).strip()


def _explanations(run: Run, view: Any, n: int) -> list[dict[str, str]]:
    try:
        from .explain import explain
    except ImportError:  # pragma: no cover - explain is part of the package
        explain = None
    steps = view_steps(run, view)
    out = []
    for k in range(n):
        step = steps[k]
        fallback = f"Step {k + 1} of {n}: {step.phase} {step.node}"
        if explain is None:
            out.append({"title": fallback, "text": ""})
            continue
        try:
            e = explain(run, k, view)
            out.append({"title": e.title, "text": e.text})
        except Exception:  # noqa: BLE001 - the page must still be written
            out.append({"title": fallback, "text": ""})
    return out


def _default_title(run: Run) -> str:
    g = run.graph
    at = ", ".join(f"{k} = {number(v)}" for k, v in run.inputs.items())
    return f"{g.describe(g.output)}" + (f" at {at}" if at else "")


def export_html(run: Run, path: str | os.PathLike, *, labels: str = "numeric",
                view: Any = None, title: str | None = None, digits: int = 4,
                max_nodes: int = MAX_NODES, interval_ms: int = 1200) -> str:
    """Write one self-contained HTML page that steps through every frame of the run.

    Returns the path written, as a string.
    """
    svgs = frames(run, labels, view, digits=digits, max_nodes=max_nodes)
    text = page(svgs, _explanations(run, view, len(svgs)), title or _default_title(run),
                interval_ms)
    path = os.fspath(path)
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(text)
    return path


def page(svgs: list[str], explanations: list[dict[str, str]], title: str,
         interval_ms: int = 1200) -> str:
    """The HTML text of a stepper page (see :func:`export_html`)."""
    figures = "\n".join(
        f'<figure class="frame" id="frame-{k}" data-step="{k}"{"" if k == 0 else " hidden"}>'
        f"{inline_svg(svg, f'f{k}-')}</figure>" for k, svg in enumerate(svgs))
    data = json.dumps(explanations, ensure_ascii=False).replace("</", "<\\/")
    n = len(svgs)
    return _TEMPLATE.format(title=html.escape(title), figures=figures, data=data,
                            last=max(n - 1, 0), n=n, interval=int(interval_ms),
                            legend=_LEGEND)


_LEGEND = """<ul class="legend" aria-label="legend">
<li><span class="key unknown"></span>not computed yet (dashed)</li>
<li><span class="key value"></span>value known (forward)</li>
<li><span class="key adjoint"></span>adjoint known (backward, thick)</li>
<li><span class="key tangent"></span>tangent known (forward mode, thick)</li>
<li><span class="key current"></span>current step (heaviest outline; its edges heavy)</li>
</ul>"""

_TEMPLATE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="autodiff_viz">
<title>{title}</title>
<style>
body {{ font-family: Helvetica, Arial, sans-serif; margin: 1.5em; color: #222; }}
h1 {{ font-size: 1.3em; font-weight: normal; }}
.frame {{ margin: 0; overflow-x: auto; }}
.frame svg {{ max-width: 100%; height: auto; }}
#controls {{ display: flex; gap: .5em; align-items: center; margin: .8em 0; flex-wrap: wrap; }}
#controls button {{ font-size: 1em; padding: .3em .8em; }}
#slider {{ flex: 1; min-width: 10em; }}
#step-title {{ font-size: 1.1em; margin: .4em 0; }}
#step-text {{ font-size: 1.05em; white-space: pre-wrap; }}
.legend {{ list-style: none; padding: 0; display: flex; gap: 1.2em; flex-wrap: wrap;
           font-size: .85em; color: #444; }}
.key {{ display: inline-block; width: 1.6em; height: .9em; margin-right: .4em;
        vertical-align: middle; border-radius: 3px; }}
.key.unknown {{ border: 1.5px dashed #999; }}
.key.value {{ border: 1.5px solid #0072B2; background: #E3EEF8; }}
.key.adjoint {{ border: 3px solid #D55E00; background: #FBE4D5; }}
.key.tangent {{ border: 3px solid #009E73; background: #DDF3EC; }}
.key.current {{ border: 4px solid #000; }}
</style>
<noscript><style>.frame[hidden] {{ display: block; }}</style></noscript>
</head>
<body>
<h1>{title}</h1>
<div id="stage">
{figures}
</div>
<div id="controls">
<button id="first" type="button" title="first step">&laquo; First</button>
<button id="prev" type="button" title="previous step (left arrow)">&#x25C0; Prev</button>
<button id="play" type="button" title="play / pause (space)">&#x25B6; Play</button>
<button id="next" type="button" title="next step (right arrow)">Next &#x25B6;</button>
<input id="slider" type="range" min="0" max="{last}" value="0" aria-label="step">
<span id="counter">1 / {n}</span>
</div>
<h2 id="step-title"></h2>
<p id="step-text"></p>
{legend}
<script type="application/json" id="steps-data">{data}</script>
<script>
(function () {{
  "use strict";
  var steps = JSON.parse(document.getElementById("steps-data").textContent);
  var frames = document.querySelectorAll(".frame");
  var slider = document.getElementById("slider");
  var counter = document.getElementById("counter");
  var play = document.getElementById("play");
  var current = 0, timer = null;
  function show(k) {{
    if (!frames.length) return;
    k = Math.max(0, Math.min(frames.length - 1, k));
    frames[current].hidden = true;
    frames[k].hidden = false;
    current = k;
    slider.value = k;
    counter.textContent = (k + 1) + " / " + frames.length;
    var e = steps[k] || {{title: "", text: ""}};
    document.getElementById("step-title").textContent = e.title;
    document.getElementById("step-text").textContent = e.text;
    document.body.setAttribute("data-step", String(k));
  }}
  function stop() {{
    if (timer !== null) {{ clearInterval(timer); timer = null; }}
    play.innerHTML = "&#x25B6; Play";
  }}
  function toggle() {{
    if (timer !== null) {{ stop(); return; }}
    if (current >= frames.length - 1) show(0);
    play.innerHTML = "Pause";
    timer = setInterval(function () {{
      if (current >= frames.length - 1) {{ stop(); return; }}
      show(current + 1);
    }}, {interval});
  }}
  document.getElementById("first").onclick = function () {{ stop(); show(0); }};
  document.getElementById("prev").onclick = function () {{ stop(); show(current - 1); }};
  document.getElementById("next").onclick = function () {{ stop(); show(current + 1); }};
  play.onclick = toggle;
  slider.oninput = function () {{ stop(); show(parseInt(slider.value, 10)); }};
  document.addEventListener("keydown", function (ev) {{
    if (ev.target && ev.target.tagName === "INPUT") return;
    if (ev.key === "ArrowRight") {{ stop(); show(current + 1); }}
    else if (ev.key === "ArrowLeft") {{ stop(); show(current - 1); }}
    else if (ev.key === " ") {{ ev.preventDefault(); toggle(); }}
  }});
  show(0);
}})();
</script>
</body>
</html>
"""
