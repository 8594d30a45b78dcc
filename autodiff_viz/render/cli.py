"""The ``render``, ``slides`` and ``html`` sub-commands of ``autodiff-viz`` (registered by
the CLI).

    autodiff-viz render "EXPR" --at x=3,y=2 --step backward:3 --legend --caption -o fig.png
    autodiff-viz slides "EXPR" --at x=3,y=2 -o slides/ --format png
    autodiff-viz html "EXPR" --at x=3,y=2 -o walk.html

``--step`` is ``final`` (default), a step number counted from 0 over all steps (as in
``autodiff-viz steps``), ``PHASE:K`` (the K-th step of that phase, from 1, as in the step
titles: ``forward:2``, ``backward:3``) or ``PHASE:NAME`` (the step that computes node NAME).

>>> from autodiff_viz.core import evaluate, from_text
>>> run = evaluate(from_text("a = log(x)\\nb = a*y\\nc = sqrt(b)\\nf = c + b"), {"x": 3, "y": 2})
>>> [parse_step(s, run.steps) for s in ("final", "7", "forward:2", "backward:3", "backward:b")]
[None, 7, 1, 6, 6]
>>> parse_step("backward:9", run.steps)
Traceback (most recent call last):
...
autodiff_viz.render.errors.RenderError: --step backward:9: there are 6 backward steps (1 to 6)
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Sequence
from typing import Any

from .._files import read_source, write_file
from ..core.build import from_text
from ..core.inputs import parse_inputs
from ..core.passes import Run, Step, evaluate, input_name, step_index
from .errors import RenderError

__all__ = ["register", "run_of", "parse_step", "parse_view", "cmd_render", "cmd_slides", "cmd_html"]

_PHASES = ("forward", "backward", "tangent", "path", "sum")


def parse_step(text: str, steps: Sequence[Step]) -> int | None:
    """Turn a ``--step`` value into a step index (None: the final state)."""
    text = text.strip()
    if text.lower() in ("final", "last", ""):
        return None
    if text.lstrip("-").isdigit():
        try:
            return step_index(int(text), len(steps))
        except IndexError as exc:
            raise RenderError(f"--step {text}: {exc}") from None
    phase, colon, which = text.partition(":")
    phase = phase.strip().lower()
    if not colon or phase not in _PHASES or not which.strip():
        raise RenderError(f"--step {text!r} not understood: use final, a step number, or "
                          "PHASE:K / PHASE:NAME with PHASE one of "
                          f"{', '.join(_PHASES)} (e.g. --step backward:3)")
    mine = [s for s in steps if s.phase == phase]
    which = which.strip()
    if which.isdigit():
        k = int(which)
        if not 1 <= k <= len(mine):
            count = f"is 1 {phase} step" if len(mine) == 1 else f"are {len(mine)} {phase} steps"
            raise RenderError(f"--step {text}: there {count}"
                              + (f" (1 to {len(mine)})" if mine else " here"))
        return mine[k - 1].index
    for s in mine:
        if s.node == which:
            return s.index
    raise RenderError(f"--step {text}: no {phase} step computes a node named {which!r}")


def parse_view(text: str | None, run: Run) -> Any:
    """``tangent:x`` -> ``run.forward_mode("x")``; ``paths:x`` -> ``run.paths("x")``."""
    if not text:
        return None
    kind, colon, name = text.partition(":")
    kind = kind.strip().lower()
    if not colon or kind not in ("tangent", "forward-mode", "paths") or not name.strip():
        raise RenderError(f"--view {text!r} not understood: use tangent:NAME or paths:NAME "
                          "(NAME an input)")
    name = input_name(run.graph, name.strip(), RenderError, f"--view {text}: ")
    return run.paths(name) if kind == "paths" else run.forward_mode(name)


def run_of(args: argparse.Namespace) -> Run:
    """The run every sub-command starts from: ``args.expr`` (``-``: standard input) at
    ``--at`` (the one reader of ``--at``; its errors are in command-line syntax)."""
    text = read_source(args.expr)  # "-": standard input, decoded as UTF-8 with a clear error
    args.text = text  # what was typed: the page's title
    return evaluate(from_text(text), parse_inputs(args.at or "", "--at x=3,y=2"),
                    example="--at {at}")


_HELP = """Draw one step of the forward or backward pass as a figure for slides.

examples:
  autodiff-viz render "sqrt(log(x)*y) + log(x)*y" --at x=3,y=2 --step backward:3 -o b.png
  autodiff-viz render "EXPR" --at x=3,y=2 --pass forward --hide values --legend -o quiz.svg
  autodiff-viz render "EXPR" --structure --title "our function" -o graph.pdf

--step is final (the default), a step number counted from 0 over all steps (as in
autodiff-viz steps), PHASE:K (the K-th step of that phase, from 1, as in the step titles:
forward:2, backward:3) or PHASE:NAME (the step that computes node NAME).
"""

_SLIDES_HELP = """Write one figure per step (step-01-forward-a.png, ...) into a folder, all on
one layout, each with the step's title as its caption: a slide deck in one command.

example:
  autodiff-viz slides "sqrt(log(x)*y) + log(x)*y" --at x=3,y=2 -o slides/ --format png
"""


def _figure_options(args: argparse.Namespace) -> dict[str, Any]:
    """The slide options shared by ``render`` and ``slides`` as ``draw`` keywords."""
    return {"hide": args.hide, "pass_": args.pass_, "title": args.title,
            "legend": args.legend, "width": args.width, "height": args.height,
            "lang": args.lang}


def cmd_render(args: argparse.Namespace) -> int:
    """``autodiff-viz render``: one figure (.svg, .png, .pdf or .dot)."""
    from .export import FORMATS, save

    if args.structure:
        return _render_structure(args)
    run = run_of(args)
    view = parse_view(args.view, run)
    step = parse_step(args.step, (view or run).steps)
    title = args.title if args.title != "" else None
    options = {**_figure_options(args), "title": title, "caption": args.caption}
    if args.dpi is not None:
        options["dpi"] = args.dpi
    if os.path.splitext(args.output)[1].lower() not in FORMATS:
        raise RenderError(f"cannot save {args.output!r}: the file name must end in one of "
                          f"{', '.join(FORMATS)}")
    print(save(run, args.output, step=step, labels=args.labels, view=view,
               overwrite=args.force, **options))
    return 0


def _render_structure(args: argparse.Namespace) -> int:
    from . import engine
    from .draw import draw_structure
    from .export import FORMATS

    text = read_source(args.expr)
    fig = draw_structure(from_text(text), title=args.title, width=args.width,
                         height=args.height, dpi=args.dpi, lang=args.lang)
    ext = os.path.splitext(args.output)[1].lower()
    fmt = FORMATS.get(ext)
    if fmt is None:
        raise RenderError(f"cannot save {args.output!r}: the file name must end in one of "
                          f"{', '.join(FORMATS)}")
    if fmt == "dot":
        data = fig.source.encode("utf-8")
    elif not engine.have_graphviz():
        from .errors import DotNotFound

        raise DotNotFound("dot")
    else:
        data = fig.pipe(format=fmt)
    print(write_file(args.output, data, overwrite=args.force))
    return 0


def cmd_slides(args: argparse.Namespace) -> int:
    """``autodiff-viz slides``: one figure per step into a folder."""
    from .export import save

    run = run_of(args)
    view = parse_view(args.view, run)
    steps = (view or run).steps
    ext = "." + args.format
    os.makedirs(args.output, exist_ok=True)
    options = _figure_options(args)
    if args.dpi is not None:
        options["dpi"] = args.dpi
    wanted = [s for s in steps if args.pass_ is None or s.phase == args.pass_]
    width = len(str(len(steps)))
    for s in wanted:
        name = f"step-{s.index + 1:0{width}d}-{s.phase}-{_safe(s.node)}{ext}"
        path = os.path.join(args.output, name)
        save(run, path, step=s.index, labels=args.labels, view=view, caption=True,
             overwrite=args.force, **{**options, "pass_": None})
    print(f"{len(wanted)} figures in {args.output}")
    return 0


def _safe(name: str) -> str:
    """A node name as part of a file name."""
    return "".join(c if c.isalnum() or c in "_-" else "_" for c in name)[:40] or "node"


def cmd_html(args: argparse.Namespace) -> int:
    """``autodiff-viz html``: a self-contained stepper page."""
    from .export import export_html

    run = run_of(args)
    view = parse_view(args.view, run)
    title = args.title or args.text  # by default, what was typed (the view adds the point)
    options = {"lang": args.lang} if args.lang != "en" else {}
    print(export_html(run, args.output, labels=args.labels, view=view, title=title,
                      overwrite=args.force, **options))
    return 0


def _hide(text: str) -> str:
    from .draw import _hide_set

    try:
        _hide_set(text)
    except RenderError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    return text


def _figure_arguments(p: argparse.ArgumentParser, caption: bool = True) -> None:
    """Options for figures on slides (``render`` and ``slides``)."""
    p.add_argument("--title", default=None,
                   help="a title above the graph (e.g. the function as typed)")
    if caption:
        p.add_argument("--caption", action="store_true",
                       help="write the step's title under the title")
    p.add_argument("--legend", action="store_true", help="add a legend of colours and outlines")
    p.add_argument("--hide", type=_hide, default=None, metavar="WHAT",
                   help="leave blank: values, partials and/or adjoints, comma-separated "
                        "(e.g. --hide values,partials for a fill-in slide)")
    p.add_argument("--pass", dest="pass_", choices=("forward", "backward"), default=None,
                   help="forward: stop at the end of the forward pass (no adjoints)")
    p.add_argument("--dpi", type=int, default=None, help="dots per inch of .png (default 150)")
    p.add_argument("--width", default=None,
                   help="largest width: inches, or with a unit (25cm, 1280px with --dpi)")
    p.add_argument("--height", default=None, help="largest height, as --width")
    p.add_argument("--lang", choices=("en", "ko"), default="en",
                   help="language of node words, caption and legend")


def register(subparsers: Any) -> None:
    """Add the ``render``, ``slides`` and ``html`` sub-commands to an argparse subparsers
    object."""
    r = subparsers.add_parser("render", help="draw one step as .svg/.png/.pdf/.dot",
                              description=_HELP,
                              formatter_class=argparse.RawDescriptionHelpFormatter)
    r.add_argument("expr", help="expression or program text ('-' reads standard input)")
    r.add_argument("--at", default="", help="input values, e.g. x=3,y=2")
    r.add_argument("--step", default="final",
                   help="final | N (from 0) | PHASE:K (from 1) | PHASE:NAME, "
                        "e.g. backward:3")
    r.add_argument("--labels", choices=("numeric", "symbolic", "both"), default="numeric")
    r.add_argument("--view", default=None, help="tangent:NAME (forward mode) or paths:NAME")
    r.add_argument("--structure", action="store_true",
                   help="draw names and operations only (no numbers; --at not needed)")
    _figure_arguments(r)
    r.add_argument("-o", "--output", required=True, help="output file: .svg .png .pdf .dot")
    r.add_argument("--force", action="store_true", help="replace the output file if it exists")
    r.set_defaults(func=cmd_render)

    sl = subparsers.add_parser("slides", help="one figure per step into a folder",
                               description=_SLIDES_HELP,
                               formatter_class=argparse.RawDescriptionHelpFormatter)
    sl.add_argument("expr", help="expression or program text ('-' reads standard input)")
    sl.add_argument("--at", default="", help="input values, e.g. x=3,y=2")
    sl.add_argument("--labels", choices=("numeric", "symbolic", "both"), default="numeric")
    sl.add_argument("--view", default=None, help="tangent:NAME (forward mode) or paths:NAME")
    sl.add_argument("--format", choices=("svg", "png", "pdf"), default="svg",
                    help="file type of every figure (default svg)")
    sl.add_argument("--force", action="store_true", help="overwrite figures already there")
    _figure_arguments(sl, caption=False)
    sl.add_argument("-o", "--output", required=True, help="output folder (made if missing)")
    sl.set_defaults(func=cmd_slides)

    h = subparsers.add_parser("html", help="a self-contained HTML page stepping through "
                                           "every step")
    h.add_argument("expr", help="expression or program text ('-' reads standard input)")
    h.add_argument("--at", default="", help="input values, e.g. x=3,y=2")
    h.add_argument("--labels", choices=("numeric", "symbolic", "both"), default="numeric")
    h.add_argument("--view", default=None, help="tangent:NAME (forward mode) or paths:NAME")
    h.add_argument("--title", default=None, help="page title (default: the function)")
    h.add_argument("--lang", choices=("en", "ko"), default="en",
                   help="language of titles, explanations, legend and controls")
    h.add_argument("-o", "--output", required=True, help="output file, e.g. walk.html")
    h.add_argument("--force", action="store_true", help="replace the output file if it exists")
    h.set_defaults(func=cmd_html)
