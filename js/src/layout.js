// Graphviz layouts (json0 fields, points, y up) to drawing coordinates (points, y down).

/** Page margin around the bounding box, as Graphviz's pad=0.15 in. */
export const PAD = 10.8;

function point(text) {
  const [x, y] = text.split(",").map(Number);
  return [x, y];
}

/** An edge's "pos": optional "s,x,y" / "e,x,y" ends, then the cubic Bézier points. */
export function parseEdgePos(pos) {
  const out = { tip: null, tail: null, pts: [] };
  for (const part of pos.trim().split(/\s+/)) {
    if (part.startsWith("e,")) out.tip = point(part.slice(2));
    else if (part.startsWith("s,")) out.tail = point(part.slice(2));
    else out.pts.push(point(part));
  }
  return out;
}

/** {bb, nodes: [[pos, w, h]], edges: [[pos, lp]]} (the data's own form) to drawing form. */
export function fromLayout(layout) {
  const [x0, y0, x1, y1] = layout.bb.split(",").map(Number);
  const fx = (x) => x - x0 + PAD;
  const fy = (y) => y1 - y + PAD;
  const flip = ([x, y]) => [fx(x), fy(y)];
  const nodes = layout.nodes.map(([pos, w, h]) => {
    const [x, y] = flip(point(pos));
    return { x, y, w: Number(w) * 72, h: Number(h) * 72 };
  });
  const edges = layout.edges.map(([pos, lp]) => {
    const e = parseEdgePos(pos || "");
    return {
      pts: e.pts.map(flip),
      tip: e.tip && flip(e.tip),
      tail: e.tail && flip(e.tail),
      lp: lp ? flip(point(lp)) : null,
    };
  });
  return { width: x1 - x0 + 2 * PAD, height: y1 - y0 + 2 * PAD, nodes, edges };
}

/** Graphviz -Tjson0 output (from WASM) to the data's layout form: node objects n{i},
 *  edges by their id e{e}. */
export function fromJson0(json, nNodes, nEdges) {
  const g = typeof json === "string" ? JSON.parse(json) : json;
  const nodes = new Array(nNodes).fill(null);
  for (const o of g.objects || []) {
    const m = /^n(\d+)$/.exec(o.name || "");
    if (m && o.pos && +m[1] < nNodes) nodes[+m[1]] = [o.pos, o.width, o.height];
  }
  const edges = new Array(nEdges).fill(null);
  for (const e of g.edges || []) {
    const m = /^e(\d+)$/.exec(e.id || "");
    // big graphs label edges with xlabels (placed after the layout): their spot is "xlp"
    if (m && e.pos && +m[1] < nEdges) edges[+m[1]] = [e.pos, e.lp || e.xlp || null];
  }
  const lost = nodes.indexOf(null) >= 0 ? "a node" : edges.indexOf(null) >= 0 ? "an edge" : "";
  if (lost) throw new Error(`Graphviz's layout lacks ${lost} position`);
  return { bb: g.bb, nodes, edges };
}
