"""What students typed, remembered for the kernel's lifetime, by question.

Re-running a cell makes a new exercise object; its answer box starts from the last answer
typed for the same question, so nothing typed is lost by a re-run.

>>> remember("q1", "1/(2*sqrt(b))")
>>> recall("q1"), recall("never asked")
('1/(2*sqrt(b))', '')
"""

from __future__ import annotations

__all__ = ["remember", "recall", "forget"]

_TYPED: dict[str, str] = {}
_LIMIT = 10_000  # answers kept (oldest dropped first): bounded memory in a long session


def remember(key: str, text: str) -> None:
    """Store the latest answer typed for ``key`` (an empty answer does not erase one)."""
    if not isinstance(text, str) or not text.strip():
        return
    _TYPED.pop(key, None)
    _TYPED[key] = text
    while len(_TYPED) > _LIMIT:
        _TYPED.pop(next(iter(_TYPED)))


def recall(key: str) -> str:
    """The last answer typed for ``key`` ("" if none)."""
    return _TYPED.get(key, "")


def forget(key: str | None = None) -> None:
    """Drop one remembered answer, or all of them."""
    if key is None:
        _TYPED.clear()
    else:
        _TYPED.pop(key, None)
