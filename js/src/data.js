// The view data of docs/view-data.md: cell offsets, view keys and per-step cell tables.

export const MODES = ["reverse", "forward", "paths"];
export const MODE_WORDS = { reverse: "reverse mode", forward: "forward mode", paths: "paths" };

/** Key of a view in data.views: "mode|wrt|labels" (wrt empty in reverse mode). */
export function viewKey(mode, wrt, labels) {
  return `${mode}|${mode === "reverse" ? "" : wrt || ""}|${labels}`;
}

/** Cell positions: node i's text cells start at nodeStart[i], its class cell follows them;
 *  edge e's label cell is edgeStart + 2e, its class cell edgeStart + 2e + 1. */
export function cellLayout(data) {
  const nodeStart = new Int32Array(data.nodes.length);
  let k = 0;
  data.nodes.forEach((_, i) => {
    nodeStart[i] = k;
    k += data.lines[i] + 1;
  });
  return { nodeStart, edgeStart: k, count: k + 2 * data.edges.length };
}

/** Integers of a start/diff/title/text entry: a comma-separated string (or a list). */
export function ints(x) {
  if (Array.isArray(x)) return x;
  return x ? x.split(",").map(Number) : [];
}

/** Every step's cells of one view, row after row in one typed array (start + diffs). */
export function expandView(view, count, nStrings) {
  const start = ints(view.start);
  if (start.length !== count) {
    throw new Error(`view ${view.mode}: ${start.length} cells, expected ${count}`);
  }
  const n = view.n;
  const Rows = nStrings < 65536 ? Uint16Array : Uint32Array;
  const rows = new Rows(n * count);
  rows.set(start, 0);
  for (let k = 1; k < n; k++) {
    const at = k * count;
    rows.copyWithin(at, at - count, at);
    const change = ints(view.diff[k - 1]);
    for (let j = 0; j < change.length; j += 2) rows[at + change[j]] = change[j + 1];
  }
  return {
    n,
    count,
    row: (k) => rows.subarray(k * count, (k + 1) * count),
  };
}

/** The views offered for a mode/wrt/labels choice, falling back when one is not there. */
export function resolveChoice(data, choice) {
  const opts = data.options || {};
  const modes = (opts.modes || MODES).filter((m) => MODES.includes(m));
  const wrts = opts.wrts || [];
  const labels = opts.labels || Object.keys(data.layouts || {});
  const mode = modes.includes(choice.mode) ? choice.mode : modes[0];
  const wrt = wrts.includes(choice.wrt) ? choice.wrt : wrts[0] || null;
  const lab = labels.includes(choice.labels) ? choice.labels : labels[0];
  return { mode, wrt: mode === "reverse" ? choice.wrt || wrt : wrt, labels: lab };
}

/** Looks a choice up: {view} when precomputed, {missing: reason} when listed as missing. */
export function findView(data, choice) {
  const key = viewKey(choice.mode, choice.wrt, choice.labels);
  const view = data.views && data.views[key];
  if (view) return { key, view };
  const reason = data.missing && data.missing[key];
  return { key, missing: reason || `this view (${key}) is not in the data` };
}
