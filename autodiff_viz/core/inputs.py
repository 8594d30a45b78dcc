"""Input values typed as text (``x=3, y=2``): the one reader used by the command line's
``--at``, the Playground's box and ``autodiff-viz render``. Numbers only; nothing is evaluated.

>>> parse_inputs("x=3, y = 2.5")
{'x': 3.0, 'y': 2.5}
>>> parse_inputs("x=3; y=2")
{'x': 3.0, 'y': 2.0}
>>> parse_inputs("x=three")
Traceback (most recent call last):
...
autodiff_viz.core.passes.InputError: 'three' is not a number (in 'x=three'); write the inputs as ...
>>> parse_inputs("x=3,x=4")
Traceback (most recent call last):
...
autodiff_viz.core.passes.InputError: x is given twice (x=3 and x=4): give each input once
"""

from __future__ import annotations

from .passes import InputError

__all__ = ["parse_inputs"]


def parse_inputs(text: str, example: str = "x=3, y=2") -> dict[str, float]:
    """``name=value`` pairs separated by ``,`` or ``;`` -> ``{name: float}``.

    Raises:
        InputError: a part is not ``name=value``, a value is not a number, or a name is
            given twice; the message says how to write it (``example``).
    """
    out: dict[str, float] = {}
    for part in filter(None, (p.strip() for p in (text or "").replace(";", ",").split(","))):
        name, eq, value = (s.strip() for s in part.partition("="))
        if not eq or not name.isidentifier():
            raise InputError(f"cannot read {part[:60]!r} as name=value: write the inputs as "
                             f"{example}")
        if name in out:
            raise InputError(f"{name} is given twice ({name}={out[name]:g} and {part[:60]}): "
                             "give each input once")
        try:
            out[name] = float(value)
        except ValueError:
            raise InputError(f"{value[:60]!r} is not a number (in {part[:60]!r}); write the "
                             f"inputs as {example}") from None
    return out
