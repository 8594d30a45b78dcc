"""Running Graphviz: one ``dot`` layout per graph (cached), frames replayed by ``neato -n2``.

``STATS`` counts the Graphviz processes started (``layout``: ``dot`` runs that place nodes;
``render``: ``neato -n2`` runs that only draw pinned positions), so benchmarks and tests can
check that a graph is laid out once.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections import Counter, OrderedDict
from collections.abc import Sequence

from .dot import GRAPH_NAME, Layout
from .errors import DotNotFound, RenderError

__all__ = ["STATS", "have_graphviz", "run_graphviz", "layout_of", "render_sources",
           "clear_cache", "TIMEOUT", "MAX_DOT_BYTES", "MAX_SPAN", "long_edges"]

#: Graphviz processes started, by kind.
STATS: Counter = Counter()
#: Seconds before a Graphviz process is stopped (it never should take this long).
TIMEOUT = 60.0
#: Largest DOT text handed to Graphviz (a 150-node frame is ~60 kB; 8,000 frames are not).
MAX_DOT_BYTES = 8_000_000
#: ``dot`` routes an edge spanning k ranks through k − 1 hidden nodes, and its ordering and
#: positioning work grows much faster than their number: a node feeding 60 others along a
#: chain (1,800 hidden nodes) takes 20 s. Above ``EASY_SPAN`` the layout uses dot's
#: iteration limits (1 s for that graph); above ``MAX_SPAN`` the graph is refused at once.
EASY_SPAN = 400
MAX_SPAN = 2_000
_EDGE = re.compile(r"^\s*n(\d+) -> n(\d+) ", re.M)
_FAST = "graph [nslimit=1, nslimit1=1, mclimit=0.1]\n"
_LONG_STRING = re.compile(r'"[^"]{16000}')  # Graphviz refuses longer quoted strings
_CACHE: OrderedDict[str, Layout] = OrderedDict()
_CACHE_SIZE = 128
_XML = '<?xml version="1.0" encoding="UTF-8" standalone="no"?>'
_PAGE_ID = re.compile(r'id="page\d+,\d+_graph0"')


def have_graphviz() -> bool:
    """True when both ``dot`` and ``neato`` are on PATH."""
    return shutil.which("dot") is not None and shutil.which("neato") is not None


def run_graphviz(program: str, args: Sequence[str], source: str, kind: str) -> bytes:
    """Run a Graphviz program on ``source``; raise :class:`DotNotFound` or :class:`RenderError`."""
    if len(source) > MAX_DOT_BYTES:
        raise RenderError(f"the drawing would be {len(source) // 1000:,} kB of Graphviz input "
                          f"(the limit is {MAX_DOT_BYTES // 1000:,} kB): show fewer steps or "
                          "a smaller graph")
    long = _LONG_STRING.search(source)
    if long:
        raise RenderError(f"a label starting {long.group(0)[1:30]!r}… is longer than 16,000 "
                          "characters, which Graphviz cannot draw: use shorter names")
    exe = shutil.which(program)
    if exe is None:
        raise DotNotFound(program)
    STATS[kind] += 1
    try:
        proc = subprocess.run([exe, *args], input=source.encode("utf-8"), capture_output=True,
                              timeout=TIMEOUT, check=False)
    except subprocess.TimeoutExpired:
        raise RenderError(f"Graphviz {program} did not finish within {TIMEOUT:g} s; the graph "
                          "is too big to draw - collapse it or draw a smaller part") from None
    if proc.returncode != 0:
        err = proc.stderr.decode("utf-8", "replace").strip()
        raise RenderError(f"Graphviz {program} failed (exit code {proc.returncode}): {err}")
    return proc.stdout


def long_edges(source: str) -> tuple[int, int]:
    """(hidden nodes dot adds for edges spanning several ranks, the node feeding most of them).

    >>> long_edges("n0 -> n1 [a]\\nn1 -> n2 [a]\\nn0 -> n2 [a]\\n")
    (1, 0)
    """
    rank: dict[int, int] = {}
    edges = sorted((int(b), int(a)) for a, b in _EDGE.findall(source))
    for dst, src in edges:  # node ids are in evaluation order: sources come first
        rank[dst] = max(rank.get(dst, 0), rank.get(src, 0) + 1)
    spans: dict[int, int] = {}
    for dst, src in edges:
        spans[src] = spans.get(src, 0) + rank[dst] - rank.get(src, 0) - 1
    worst = max(spans, key=spans.get, default=-1)
    return sum(spans.values()), worst


def _label(source: str, n: int) -> str:
    m = re.search(rf'\bn{n} \[id="n{n}", label="([^"\\]{{1,40}})', source)
    return repr(m.group(1).split(" ")[0]) if m else f"n{n}"


def layout_of(body: Sequence[str]) -> Layout:
    """Lay out a DOT body once with ``dot`` and return the positions (cached by source).

    Graphs whose edges span many ranks (one node feeding a long chain) are laid out with
    dot's iteration limits, or refused with a message before dot starts.
    """
    source = f"digraph {GRAPH_NAME} {{\n" + "".join(body) + "}\n"
    hit = _CACHE.get(source)
    if hit is not None:
        _CACHE.move_to_end(source)
        return hit
    span, worst = long_edges(source)
    if span > MAX_SPAN:
        raise RenderError(
            f"this graph is too tangled to lay out quickly: node {_label(source, worst)} feeds "
            "nodes many "
            f"steps further along ({span} rank crossings; the limit is {MAX_SPAN}), and "
            "Graphviz would take minutes to route those edges. Draw a shorter part, or "
            "give the repeated input its own node per use (e.g. a program line per use).")
    if span > EASY_SPAN:
        source = source.replace("\n", "\n" + _FAST, 1)
    data = json.loads(run_graphviz("dot", ["-Tjson0"], source, "layout").decode("utf-8"))
    layout = _parse(data)
    _CACHE[source] = layout
    while len(_CACHE) > _CACHE_SIZE:
        _CACHE.popitem(last=False)
    return layout


def _parse(data: dict) -> Layout:
    nodes: dict[int, tuple[str, str, str]] = {}
    for obj in data.get("objects", ()):
        name = obj.get("name", "")
        if name.startswith("n") and name[1:].isdigit() and "pos" in obj:
            nodes[int(name[1:])] = (obj["pos"], obj["width"], obj["height"])
    edges: dict[int, tuple[str, str | None]] = {}
    for obj in data.get("edges", ()):
        ident = obj.get("id", "")
        if ident.startswith("e") and ident[1:].isdigit():
            edges[int(ident[1:])] = (obj["pos"], obj.get("lp") or obj.get("xlp"))
    if sorted(nodes) != list(range(len(nodes))) or sorted(edges) != list(range(len(edges))):
        raise RenderError("Graphviz returned an incomplete layout (missing node or edge "
                          "positions)")
    return Layout(data["bb"], tuple(nodes[i] for i in range(len(nodes))),
                  tuple(edges[e] for e in range(len(edges))))


def render_sources(sources: Sequence[str], fmt: str = "svg") -> list[str]:
    """Draw pinned DOT sources with ONE ``neato -n2`` process; one SVG string per source."""
    if not sources:
        return []
    if fmt != "svg":
        raise RenderError("batches are rendered as SVG only")
    out = run_graphviz("neato", ["-n2", "-Tsvg"], "".join(sources), "render").decode("utf-8")
    parts = [p for p in out.split(_XML) if p.strip()]
    if len(parts) != len(sources):
        raise RenderError(f"Graphviz returned {len(parts)} drawings for {len(sources)} frames")
    return [_XML + _PAGE_ID.sub('id="graph0"', p) for p in parts]


def clear_cache() -> None:
    """Forget every cached layout."""
    _CACHE.clear()
