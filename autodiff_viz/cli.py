"""The ``autodiff-viz`` command line.

    autodiff-viz grad "EXPR" --at x=3,y=2 [--json]
    autodiff-viz steps "EXPR" --at x=3,y=2
    autodiff-viz notebooks DIR [--force]

Bad input prints a message on stderr and exits with code 2 (no traceback). When the reader of
standard output goes away early (``autodiff-viz steps ... | head``) the command stops quietly
with exit code 141 (128 + SIGPIPE), as a command killed by SIGPIPE would.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from typing import Any

__all__ = ["main", "EXIT_BROKEN_PIPE"]

#: Exit code when standard output is closed early: 128 + SIGPIPE, the shell's convention.
EXIT_BROKEN_PIPE = 141


class UsageError(ValueError):
    """Bad command-line input: reported on stderr with exit code 2."""


def _run(args: argparse.Namespace):
    from .render.cli import run_of

    return run_of(args)


def _number(v: Any, what: str, warnings: list[str]) -> Any:
    """A JSON number (or list of them); ±∞ and nan become null, with a warning saying so.

    >>> w = []; _number(float("-inf"), "∂f/∂x", w), w
    (None, ['∂f/∂x is −∞, written as null (JSON has no infinity)'])
    """
    if hasattr(v, "tolist"):
        flat = [_number(x, f"{what}[{k}]", warnings) for k, x in enumerate(v.ravel().tolist())]
        out: Any = flat
        for n in reversed(v.shape[1:]):
            out = [out[k:k + n] for k in range(0, len(out), n)]
        return out if v.ndim else flat[0]
    x = float(v)
    if x - x == 0.0:
        return x
    kind = "nan (undefined)" if x != x else ("∞" if x > 0 else "−∞")
    warnings.append(f"{what} is {kind}, written as null (JSON has no "
                    f"{'nan' if x != x else 'infinity'})")
    return None


def cmd_grad(args: argparse.Namespace) -> int:
    run = _run(args)
    if args.json:
        warnings: list[str] = []
        out: dict[str, Any] = {"value": _number(run.value, "the value", warnings),
                               "grad": {k: _number(v, f"∂f/∂{k}", warnings)
                                        for k, v in run.grad.items()}}
        for flags in run.flags.values():
            warnings.extend(f for f in flags if f not in warnings)
        if warnings:  # present only when there is something to say
            out["warnings"] = warnings
        print(json.dumps(out, allow_nan=False, ensure_ascii=False))
    else:
        print(f"value = {run.value:.10g}")
        for k, v in run.grad.items():
            print(f"∂f/∂{k} = {v:.10g}")
    return 0


def cmd_steps(args: argparse.Namespace) -> int:
    from .render.table import steps_table

    run = _run(args)
    print(steps_table(run, exact=not args.no_exact))
    return 0


def cmd_notebooks(args: argparse.Namespace) -> int:
    """Copy the lectures that come with the package into ``args.dir``."""
    from .lectures import copy_lectures

    try:
        written = copy_lectures(args.dir, force=args.force)
    except (FileExistsError, NotADirectoryError) as exc:
        raise UsageError(str(exc)) from None
    for path in written:
        print(path)
    print(f"{len(written)} lecture notebooks copied; open them with: jupyter lab {written[0]}",
          file=sys.stderr)
    return 0


def _add_notebooks_parser(sub: Any) -> None:
    n = sub.add_parser("notebooks", help="copy the lecture notebooks into a folder")
    n.add_argument("dir", help="destination folder (created if missing)")
    n.add_argument("--force", action="store_true", help="replace lectures already there")
    n.set_defaults(func=cmd_notebooks)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="autodiff-viz",
                                description="Computational graphs for teaching autodiff.")
    sub = p.add_subparsers(dest="command", required=True)

    g = sub.add_parser("grad", help="value and gradient of an expression or program")
    g.add_argument("expr", help="expression or program text ('-' reads standard input)")
    g.add_argument("--at", default="", help="input values, e.g. x=3,y=2")
    g.add_argument("--json", action="store_true", help='print {"value": ..., "grad": {...}}')
    g.set_defaults(func=cmd_grad)

    s = sub.add_parser("steps", help="forward and backward steps as a text table")
    s.add_argument("expr")
    s.add_argument("--at", default="")
    s.add_argument("--no-exact", action="store_true", help="skip the exact (sympy) column")
    s.set_defaults(func=cmd_steps)

    _add_notebooks_parser(sub)
    for register in _EXTRA_COMMANDS:
        register(sub)
    return p


#: Other parts add sub-commands here: functions taking the subparsers object.
_EXTRA_COMMANDS: list = []


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the exit code."""
    try:
        from .render import cli as _render_cli  # noqa: F401 - registers render/html commands
        if _render_cli.register not in _EXTRA_COMMANDS:
            _EXTRA_COMMANDS.append(_render_cli.register)
    except ImportError:
        pass
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        code = args.func(args)
        sys.stdout.flush()  # a closed pipe shows up here, not at interpreter exit
        return code
    except BrokenPipeError:
        _silence_stdout()
        return EXIT_BROKEN_PIPE
    except KeyboardInterrupt:
        return 130
    except OSError as exc:  # a file that cannot be read or written: say which, and why
        where = f" {exc.filename!r}" if exc.filename else ""
        print(f"autodiff-viz: error: cannot use{where}: {exc.strerror or exc} (check the path "
              "and that its folder exists and is writable)", file=sys.stderr)
        return 2
    except Exception as exc:  # noqa: BLE001 - every user error becomes a message, code 2
        text = str(exc).strip() or "the command failed"
        if type(exc).__name__ not in _USER_ERRORS:  # not planned for: still no class name
            text += " (unexpected: if the input looks fine, please report it)"
        print(f"autodiff-viz: error: {text}", file=sys.stderr)
        return 2


def _silence_stdout() -> None:
    """Point standard output at /dev/null, so the final flush at exit cannot fail again."""
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):  # replaced by a test harness or IDE
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, fd)
    finally:
        os.close(devnull)


_USER_ERRORS = {"ParseError", "UsageError", "InputError", "DomainError", "GraphError",
                "TracingError", "RenderError", "DotNotFound", "UnknownPrimitive",
                "OutputExists", "InputNotText", "ExactTooLarge"}


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
