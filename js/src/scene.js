// The SVG of one layout, built once; a step patches only the cells that differ.

import { setBarred } from "./bars.js";
import { f2, s } from "./dom.js";
import { fitText } from "./measure.js";

const NODE_PT = 12;
const SMALL_PT = 11; // constants and edge labels
const LINE = 1.2; // line height, times the font size
const MARGIN_Y = 0.06 * 72; // Graphviz's node margin (points), each side
const PAD_X = 6; // room kept free left and right of node text (Graphviz keeps 8.64)
const GAP = 4; // Graphviz's gap between the two outlines of the output
const RADIUS = 6; // corner radius of Graphviz's rounded boxes
const BASELINE = 0.27; // baseline below a line's middle, times the font size

const KIND_NODE_TEXT = 0;
const KIND_NODE_CLASS = 1;
const KIND_EDGE_LABEL = 2;
const KIND_EDGE_CLASS = 3;

function rect(cls, x, y, w, h, r) {
  return s("rect", { class: cls, x: f2(x), y: f2(y), width: f2(w), height: f2(h),
                     rx: r ? f2(r) : null });
}

/** Baselines of `n` lines of `size` centred on `cy`, each line at most `room / n` high. */
function baselines(cy, n, size, room) {
  const lh = Math.min(LINE * size, room > 0 ? room / n : LINE * size);
  return Array.from({ length: n }, (_, j) => cy + (j + 0.5 - n / 2) * lh + BASELINE * size);
}

function bezierPath(pts) {
  if (!pts.length) return "";
  let d = `M${f2(pts[0][0])},${f2(pts[0][1])}`;
  for (let i = 1; i + 2 < pts.length; i += 3) {
    d += "C" + pts.slice(i, i + 3).map(([x, y]) => `${f2(x)},${f2(y)}`).join(" ");
  }
  return d;
}

/** Graphviz's "normal" arrowhead: its tip at `tip`, its base where the spline ends. */
function arrowhead(tip, from) {
  const dx = tip[0] - from[0];
  const dy = tip[1] - from[1];
  const len = Math.hypot(dx, dy) || 1;
  const wx = (-dy / len) * 0.35 * len;
  const wy = (dx / len) * 0.35 * len;
  const pts = [tip, [from[0] + wx, from[1] + wy], [from[0] - wx, from[1] - wy]];
  const xs = pts.map((p) => p[0]);
  const ys = pts.map((p) => p[1]);
  const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  // Thicker edges scale their arrowhead about its tip (CSS), so the tip stays on the box.
  const ox = x1 > x0 ? ((tip[0] - x0) / (x1 - x0)) * 100 : 50;
  const oy = y1 > y0 ? ((tip[1] - y0) / (y1 - y0)) * 100 : 50;
  return s("polygon", {
    class: "adv-arrow",
    points: pts.map(([x, y]) => `${f2(x)},${f2(y)}`).join(" "),
    style: `transform-origin:${f2(ox)}% ${f2(oy)}%`,
  });
}

function midpoint(pts) {
  return pts.length ? pts[Math.floor(pts.length / 2)] : [0, 0];
}

/** Sets a text element's content; several lines ("\n") become tspans around `y`. */
function setLines(el, text, x, y, size) {
  if (text.indexOf("\n") < 0) {
    if (el.firstElementChild) el.textContent = "";
    el.textContent = text;
    el.setAttribute("y", f2(y));
    return;
  }
  const lines = text.split("\n");
  const ys = baselines(y - BASELINE * size, lines.length, size, 0);
  el.textContent = "";
  lines.forEach((line, j) => el.append(s("tspan", { x: f2(x), y: f2(ys[j]), text: line })));
}

export class Scene {
  /** data: the view data; drawing: fromLayout(); cells: cellLayout(data). */
  constructor(data, drawing, cells) {
    this.data = data;
    this.strings = data.strings;
    this.drawing = drawing;
    this.count = cells.count;
    this.shown = new Int32Array(cells.count).fill(-1);
    this.el = new Array(cells.count);
    this.kind = new Uint8Array(cells.count);
    this.limit = new Float32Array(cells.count);
    this.size = new Float32Array(cells.count);
    this.pos = new Float32Array(2 * cells.count); // x, y of edge labels
    this.base = new Array(cells.count); // the fixed part of a class cell's class
    this.nodeOf = new Int32Array(cells.count).fill(-1); // node of a node class cell
    this.current = -1; // the node whose class says "current"
    const edges = s("g", { class: "edges" });
    const nodes = s("g", { class: "nodes" });
    data.edges.forEach((_, e) => edges.append(this.buildEdge(e, cells.edgeStart + 2 * e)));
    data.nodes.forEach((_, i) => nodes.append(this.buildNode(i, cells.nodeStart[i])));
    this.svg = s("svg", {
      class: "adv-graph",
      viewBox: `0 0 ${f2(drawing.width)} ${f2(drawing.height)}`,
      role: "img",
      "aria-label": data.title || "computational graph",
    }, edges, nodes);
  }

  buildNode(i, at) {
    const [kind, output, name] = this.data.nodes[i];
    const { x, y, w, h } = this.drawing.nodes[i];
    const base = `node ${kind}${output ? " output" : ""} `;
    const g = s("g", { class: base.trim(), "data-node": name ?? String(i) });
    const inset = output ? GAP : 0;
    const r = kind === "input" ? 0 : Math.min(RADIUS, h / 4);
    if (output) g.append(rect("adv-box2", x - w / 2, y - h / 2, w, h, r && r + GAP / 2));
    g.append(rect("adv-box", x - w / 2 + inset, y - h / 2 + inset, w - 2 * inset, h - 2 * inset,
                  r));
    const n = this.data.lines[i];
    const size = kind === "const" ? SMALL_PT : NODE_PT;
    const ys = baselines(y, n, size, h - 2 * inset - 2 * MARGIN_Y);
    for (let j = 0; j < n; j++) {
      const t = s("text", { x: f2(x), y: f2(ys[j]) });
      g.append(t);
      this.el[at + j] = t;
      this.kind[at + j] = KIND_NODE_TEXT;
      this.limit[at + j] = w - 2 * inset - 2 * PAD_X;
      this.size[at + j] = size;
    }
    this.el[at + n] = g;
    this.kind[at + n] = KIND_NODE_CLASS;
    this.base[at + n] = base;
    this.nodeOf[at + n] = i;
    return g;
  }

  buildEdge(e, at) {
    const geo = this.drawing.edges[e];
    const g = s("g", { class: "edge", "data-edge": String(e) });
    const pts = geo.pts;
    g.append(s("path", { class: "adv-line", d: bezierPath(pts) }));
    if (geo.tip && pts.length) g.append(arrowhead(geo.tip, pts[pts.length - 1]));
    const [lx, ly] = geo.lp || midpoint(pts);
    const t = s("text", { x: f2(lx), y: f2(ly + BASELINE * SMALL_PT) });
    g.append(t);
    this.el[at] = t;
    this.kind[at] = KIND_EDGE_LABEL;
    this.size[at] = SMALL_PT;
    this.pos[2 * at] = lx;
    this.pos[2 * at + 1] = ly + BASELINE * SMALL_PT;
    this.el[at + 1] = g;
    this.kind[at + 1] = KIND_EDGE_CLASS;
    this.base[at + 1] = "edge ";
    return g;
  }

  /** Shows one frame (a row of cells); returns how many cells changed. */
  show(row) {
    const { shown, strings } = this;
    let changed = 0;
    for (let c = 0; c < this.count; c++) {
      const v = row[c];
      if (shown[c] === v) continue;
      shown[c] = v;
      changed++;
      this.patch(c, strings[v] ?? "");
    }
    return changed;
  }

  patch(c, text) {
    const el = this.el[c];
    switch (this.kind[c]) {
      case KIND_NODE_TEXT:
        setBarred(el, text, this.size[c]);
        fitText(el, text, this.size[c], this.limit[c]);
        break;
      case KIND_EDGE_LABEL:
        setLines(el, text, this.pos[2 * c], this.pos[2 * c + 1], this.size[c]);
        break;
      default: {
        el.setAttribute("class", this.base[c] + text);
        const i = this.nodeOf[c];
        if (i >= 0 && /\bcurrent\b/.test(text)) this.current = i;
        else if (i >= 0 && this.current === i) this.current = -1;
      }
    }
  }
}
