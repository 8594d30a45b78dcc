"""Exports: a figure file for slides (``save``) and a self-contained stepper page
(``export_html``: the browser view of the Stepper, byte for byte, with its data; no CDN, no
network, no kernel). Several pages can be pasted into one HTML document (or an
``<iframe srcdoc>``) without colliding: each has its own root id and keys act only on the
view that has the focus.

>>> from autodiff_viz.core import evaluate, from_text
>>> run = evaluate(from_text("x*y"), {"x": 3, "y": 2})
>>> text = fragment(view_data(run, layout=False), "adv-demo")
>>> text.count('id="adv-demo"'), "</script" in script_json({"a": "</script><!--"})
(1, False)
"""

from __future__ import annotations

import html
import json
import os
import secrets
from typing import Any

from .._files import write_file
from ..core.passes import Run
from . import engine
from .draw import draw
from .errors import MAX_NODES, DotNotFound, RenderError
from .svg import overline_bars
from .view import bundle, view_data, view_mode

__all__ = ["save", "export_html", "FORMATS", "page", "fragment", "script_json"]

#: File extension -> Graphviz output format.
FORMATS = {".svg": "svg", ".png": "png", ".pdf": "pdf", ".dot": "dot", ".gv": "dot"}


def save(run: Run, path: str | os.PathLike, step: int | None = None, *,
         labels: str = "numeric", view: Any = None, digits: int = 4,
         max_nodes: int = MAX_NODES, dpi: int = 150, overwrite: bool = True,
         **options: Any) -> str:
    """Write the figure after ``step`` to ``path`` (``.svg``, ``.png``, ``.pdf`` or ``.dot``).

    ``options`` are :func:`~autodiff_viz.render.draw.draw`'s slide options (``title``,
    ``caption``, ``legend``, ``hide``, ``pass_``, ``width``, ``height``, ``lang``).
    The file is written atomically (a failure leaves no half-written file); with
    ``overwrite=False`` an existing file is an error. Returns the path written, as a string.
    """
    path = os.fspath(path)
    ext = os.path.splitext(path)[1].lower()
    if ext not in FORMATS:
        raise RenderError(f"cannot save {path!r}: the file name must end in one of "
                          f"{', '.join(FORMATS)}")
    fig = draw(run, step, labels, view, digits=digits, max_nodes=max_nodes, dpi=dpi,
               **options)
    fmt = FORMATS[ext]
    if fmt == "dot":
        data = fig.source.encode("utf-8")
    else:
        if not fig.pinned:
            raise DotNotFound("dot")
        # the adjoints' bars: SVG overlines, or bar(b) where only a font could place them
        source = fig.source if fmt == "svg" else fig.spelled().source
        args = ["-n2", f"-T{fmt}"] + ([f"-Gdpi={int(dpi)}"] if fmt == "png" else [])
        data = engine.run_graphviz("neato", args, source, "render")
        if fmt == "svg":
            data = overline_bars(data.decode("utf-8")).encode("utf-8")
    return write_file(path, data, overwrite=overwrite)


#: Characters that must not appear raw in a <script> element (any HTML parser state).
_SCRIPT_UNSAFE = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028",
                  "\u2029": "\\u2029"}


def script_json(value: Any) -> str:
    """JSON that is inert inside ``<script type="application/json">``: ``<``, ``>``, ``&``
    and the JavaScript line separators are written as ``\\u`` escapes."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    for ch, esc in _SCRIPT_UNSAFE.items():
        text = text.replace(ch, esc)
    return text


def _module(code: str) -> str:
    """A bundle as the body of an inline ``<script type="module">``."""
    if "</script" in code.lower() or "<!--" in code:
        raise RenderError("the view bundle contains '</script' or '<!--' and cannot be inlined; "
                          "rebuild it with 'make js'")
    return code


def fragment(data: dict[str, Any], root: str | None = None) -> str:
    """The view of ``data`` as an HTML fragment: a root element, its data and the bundle.

    Paste several fragments into one page: each steps on its own. When a layout is left to
    the browser, WASM Graphviz comes along once (``id="adv-graphviz-source"``; later
    fragments on the same page reuse it).
    """
    root = root or f"adv-{secrets.token_hex(4)}"
    parts = [f'<div class="adv-page" id="{root}"></div>',
             f'<script type="application/json" id="{root}-data">{script_json(data)}</script>']
    if any(v is None for v in data.get("layouts", {}).values()):
        parts.append('<script type="application/json" id="adv-graphviz-source">'
                     f'{script_json(bundle("graphviz"))}</script>')
    parts.append(f'<script type="module">{_module(bundle("view"))}\n'
                 f'globalThis.AutodiffViz.mountPage({json.dumps(root)});</script>')
    return "\n".join(parts)


def page(data: dict[str, Any], title: str | None = None) -> str:
    """A whole self-contained HTML page showing the view of ``data``."""
    title = title or data.get("title", "autodiff_viz")
    return _TEMPLATE.format(title=html.escape(title), body=fragment(data),
                            lang=html.escape(data.get("lang", "en")))


def export_html(run: Run, path: str | os.PathLike, *, labels: str = "numeric",
                view: Any = None, title: str | None = None, digits: int = 4,
                max_nodes: int = MAX_NODES, interval_ms: int = 1200,
                layout: bool | None = None, lang: str = "en",
                overwrite: bool = True) -> str:
    """Write one self-contained HTML page that steps through the run (every mode, label
    style and step work with no kernel and no network).

    Args:
        run: the run to show.
        path: the ``.html`` file to write.
        labels: the label style shown first.
        view: ``run.forward_mode(x)`` or ``run.paths(x)`` to open in that mode.
        title: the page title (default: the output's formula and the inputs).
        digits: significant digits of the numbers.
        max_nodes: larger graphs are refused.
        interval_ms: milliseconds per step when playing.
        layout: True: lay out with native Graphviz now; False: in the browser (WASM Graphviz
            is then included); None: native when ``dot`` is installed.
        lang: ``"en"`` or ``"ko"``: titles, explanations, legend and controls.
        overwrite: replace an existing file (the page is written atomically either way).

    Returns:
        The path written, as a string.
    """
    mode, wrt = view_mode(view)
    data = view_data(run, mode=mode, wrt=wrt, initial_labels=labels, digits=digits,
                     title=title, max_nodes=max_nodes, layout=layout, lang=lang)
    data["interval"] = int(interval_ms)
    return write_file(path, page(data, title), overwrite=overwrite)


_TEMPLATE = """<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="autodiff_viz">
<title>{title}</title>
<style>
body {{ font-family: Helvetica, Arial, sans-serif; margin: 1.5em auto; max-width: 72em;
        padding: 0 1em; color: #222; }}
</style>
</head>
<body>
{body}
<noscript>This page needs JavaScript to draw the graph.</noscript>
</body>
</html>
"""
