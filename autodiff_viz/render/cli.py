"""The ``render`` and ``html`` sub-commands of ``autodiff-viz`` (registered by the CLI).

    autodiff-viz render "EXPR" --at x=3,y=2 --step backward:3 -o fig.svg
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
from collections.abc import Sequence
from typing import Any

from .._files import read_source
from ..core.build import from_text
from ..core.passes import InputError, Run, Step, evaluate
from .errors import RenderError

__all__ = ["register", "parse_step", "parse_view", "cmd_render", "cmd_html"]

_PHASES = ("forward", "backward", "tangent", "path", "sum")


def parse_step(text: str, steps: Sequence[Step]) -> int | None:
    """Turn a ``--step`` value into a step index (None: the final state)."""
    text = text.strip()
    if text.lower() in ("final", "last", ""):
        return None
    if text.lstrip("-").isdigit():
        k = int(text)
        if not -len(steps) <= k < len(steps):
            raise RenderError(f"--step {text}: there are {len(steps)} steps "
                              f"(0 to {len(steps) - 1})")
        return k
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
    name = name.strip()
    if name not in run.graph.inputs:
        raise RenderError(f"--view {text}: {name!r} is not an input; inputs are "
                          f"{', '.join(run.graph.inputs)}")
    return run.paths(name) if kind == "paths" else run.forward_mode(name)


def _parse_at(text: str) -> dict[str, float]:
    out: dict[str, float] = {}
    for part in filter(None, (p.strip() for p in (text or "").split(","))):
        name, eq, value = part.partition("=")
        if not eq or not name.strip().isidentifier():
            raise RenderError(f"--at expects name=value pairs, e.g. --at x=3,y=2 "
                              f"(got {part!r})")
        try:
            out[name.strip()] = float(value)
        except ValueError:
            raise RenderError(f"--at: {value.strip()!r} is not a number (in {part!r})") from None
    return out


def _run(args: argparse.Namespace) -> Run:
    text = read_source(args.expr)  # "-": standard input, decoded as UTF-8 with a clear error
    args.text = text  # what was typed: the page's title
    graph = from_text(text)
    try:
        return evaluate(graph, _parse_at(args.at))
    except InputError as exc:  # the hint should be CLI syntax, not evaluate(x=1.0)
        msg, sep, _ = str(exc).partition(" e.g. evaluate(")
        at = ",".join(f"{n}=1.0" for n in graph.inputs)
        raise InputError(msg + (f" e.g. --at {at}" if sep else "")) from None


def cmd_render(args: argparse.Namespace) -> int:
    """``autodiff-viz render``: one figure (.svg, .png, .pdf or .dot)."""
    from .export import save

    run = _run(args)
    view = parse_view(args.view, run)
    step = parse_step(args.step, (view or run).steps)
    print(save(run, args.output, step=step, labels=args.labels, view=view,
               overwrite=args.force))
    return 0


def cmd_html(args: argparse.Namespace) -> int:
    """``autodiff-viz html``: a self-contained stepper page."""
    from .export import export_html

    run = _run(args)
    view = parse_view(args.view, run)
    title = args.title or args.text  # by default, what was typed (the view adds the point)
    print(export_html(run, args.output, labels=args.labels, view=view, title=title,
                      overwrite=args.force))
    return 0


def register(subparsers: Any) -> None:
    """Add the ``render`` and ``html`` sub-commands to an argparse subparsers object."""
    r = subparsers.add_parser("render", help="draw one step as .svg/.png/.pdf/.dot",
                              description=__doc__.split("\n>>>")[0],
                              formatter_class=argparse.RawDescriptionHelpFormatter)
    r.add_argument("expr", help="expression or program text ('-' reads standard input)")
    r.add_argument("--at", default="", help="input values, e.g. x=3,y=2")
    r.add_argument("--step", default="final",
                   help="final | N (from 0) | PHASE:K (from 1) | PHASE:NAME, "
                        "e.g. backward:3")
    r.add_argument("--labels", choices=("numeric", "symbolic", "both"), default="numeric")
    r.add_argument("--view", default=None, help="tangent:NAME (forward mode) or paths:NAME")
    r.add_argument("-o", "--output", required=True, help="output file: .svg .png .pdf .dot")
    r.add_argument("--force", action="store_true", help="replace the output file if it exists")
    r.set_defaults(func=cmd_render)

    h = subparsers.add_parser("html", help="a self-contained HTML page stepping through "
                                           "every step")
    h.add_argument("expr", help="expression or program text ('-' reads standard input)")
    h.add_argument("--at", default="", help="input values, e.g. x=3,y=2")
    h.add_argument("--labels", choices=("numeric", "symbolic", "both"), default="numeric")
    h.add_argument("--view", default=None, help="tangent:NAME (forward mode) or paths:NAME")
    h.add_argument("--title", default=None, help="page title (default: the function)")
    h.add_argument("-o", "--output", required=True, help="output file, e.g. walk.html")
    h.add_argument("--force", action="store_true", help="replace the output file if it exists")
    h.set_defaults(func=cmd_html)
