"""No network: every request a page makes is aborted, unless it is local (file:, data:,
blob:, about:) or served from a local file by a rule."""

from __future__ import annotations

import mimetypes
import pathlib
import re
from collections.abc import Callable

LOCAL = ("file:", "data:", "blob:", "about:")
#: (pattern on the URL, function of the match -> local file or None)
Rule = tuple[re.Pattern, Callable[[re.Match], pathlib.Path | None]]


class Offline:
    """The route handler; ``blocked`` and ``served`` list the URLs it aborted / served."""

    def __init__(self, rules: list[Rule] | None = None) -> None:
        self.rules = rules or []
        self.blocked: list[str] = []
        self.served: list[str] = []

    def __call__(self, route) -> None:
        url = route.request.url
        if url.startswith(LOCAL):
            route.continue_()
            return
        for pattern, where in self.rules:
            m = pattern.search(url)
            path = where(m) if m else None
            if path is not None and path.is_file():
                kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                if path.suffix == ".js":
                    kind = "text/javascript"
                self.served.append(url)
                route.fulfill(path=str(path), content_type=kind,
                              headers={"Access-Control-Allow-Origin": "*"})
                return
        self.blocked.append(url)
        route.abort()


def offline(page, rules: list[Rule] | None = None) -> Offline:
    """Route every request of ``page`` (and its frames) through an :class:`Offline`."""
    handler = Offline(rules)
    page.route("**/*", handler)
    return handler
