// The browser view of autodiff_viz: draws a laid-out graph once and patches it per step.
// Data format and DOM: docs/view-data.md. Used by the Stepper (anywidget) and export_html.

const SVGNS = "http://www.w3.org/2000/svg";
const PT_PER_IN = 72;
const NODE_PT = 12;      // node text size in Graphviz points (constants and edge labels: 11)
const SMALL_PT = 11;
const LINE = 1.2;        // Graphviz's line spacing
const MARGIN_PT = 8.64;  // the node margin of the layout (0.12 in)

// --- small DOM helpers ---------------------------------------------------------------------
function h(tag, attrs = {}, children = []) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "text") el.textContent = v;
    else el.setAttribute(k, v);
  }
  for (const c of children) el.append(c);
  return el;
}

function s(tag, attrs = {}) {
  const el = document.createElementNS(SVGNS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  return el;
}

const num = (t) => t.split(",").map(Number);

// --- layout ----------------------------------------------------------------------------------

/** Graphviz -Tjson0 output -> {bb, nodes, edges} as Python sends it (docs/view-data.md). */
export function parseJson0(text) {
  const g = typeof text === "string" ? JSON.parse(text) : text;
  const nodes = [], edges = [];
  for (const o of g.objects || []) {
    const m = /^n(\d+)$/.exec(o.name || "");
    if (m && o.pos) nodes[+m[1]] = [o.pos, o.width, o.height];
  }
  for (const e of g.edges || []) {
    const m = /^e(\d+)$/.exec(e.id || "");
    if (m) edges[+m[1]] = [e.pos, e.lp || null];
  }
  return { bb: g.bb, nodes, edges };
}

function graphvizLoader(source) {
  // One WASM Graphviz per page, however many views: a shared global promise.
  if (!globalThis.__advGraphviz) {
    globalThis.__advGraphviz = (async () => {
      const text = await source();
      if (!text) throw new Error("no WASM Graphviz was sent with this view");
      const script = document.createElement("script");
      script.textContent = text; // an IIFE that sets globalThis.AdvGraphviz
      document.head.append(script);
      script.remove();
      if (!globalThis.AdvGraphviz) throw new Error("WASM Graphviz did not load");
      return globalThis.AdvGraphviz;
    })();
    globalThis.__advGraphviz.catch(() => { globalThis.__advGraphviz = null; });
  }
  return globalThis.__advGraphviz;
}

// --- drawing ---------------------------------------------------------------------------------

function edgePath(pos, flip) {
  let end = null;
  const pts = [];
  for (const tok of pos.trim().split(/\s+/)) {
    if (tok.startsWith("e,")) end = num(tok.slice(2));
    else if (!tok.startsWith("s,")) pts.push(num(tok));
  }
  const P = pts.map(([x, y]) => [x, flip(y)]);
  let d = `M${P[0][0]},${P[0][1]}`;
  for (let i = 1; i + 2 < P.length; i += 3) {
    d += `C${P[i][0]},${P[i][1]} ${P[i + 1][0]},${P[i + 1][1]} ${P[i + 2][0]},${P[i + 2][1]}`;
  }
  let arrow = null;
  if (end) {
    const [ex, ey] = [end[0], flip(end[1])];
    const [bx, by] = P[P.length - 1];
    const len = Math.hypot(ex - bx, ey - by) || 1;
    const nx = -(ey - by) / len, ny = (ex - bx) / len, w = Math.max(len * 0.36, 2.5);
    arrow = `${ex},${ey} ${bx + nx * w},${by + ny * w} ${bx - nx * w},${by - ny * w}`;
  }
  return { d, arrow };
}

function styleSheet(styles) {
  const dash = (d) => (d === "dashed" ? "5 3" : d === "dotted" ? "1.5 2.5" : "none");
  const r = [];
  const V = ".adv-view";
  for (const [state, [stroke, fill, width, extra]] of Object.entries(styles.node)) {
    r.push(`${V} g.node.${state} rect{stroke:${stroke};fill:${fill};stroke-width:${width};` +
      `stroke-dasharray:${dash(extra)}}`);
  }
  const [cs, cf, cw, cd] = styles.const;
  r.push(`${V} g.node.const rect{stroke:${cs};fill:${cf};stroke-width:${cw};` +
    `stroke-dasharray:${dash(cd)}}`);
  r.push(`${V} g.node.current rect{stroke:#000;stroke-width:${styles.current}}`);
  r.push(`${V} g.node.output rect.inner{fill:none}`);
  r.push(`${V} g.node.unknown text{fill:#555}`);
  for (const [state, [stroke, width, extra, label]] of Object.entries(styles.edge)) {
    r.push(`${V} g.edge.${state} path{stroke:${stroke};stroke-width:${width};` +
      `stroke-dasharray:${dash(extra)}}`);
    r.push(`${V} g.edge.${state} polygon{fill:${stroke};stroke:${stroke}}`);
    r.push(`${V} g.edge.${state} text{fill:${label}}`);
  }
  return r.join("\n");
}

const CSS = `
.adv-view{font-family:Helvetica,Arial,"Liberation Sans",sans-serif;color:#222;outline:none;
  max-width:100%;box-sizing:border-box;font-size:15px;line-height:1.4}
.adv-view:focus-visible{box-shadow:0 0 0 2px #0072B2 inset;border-radius:4px}
.adv-view .adv-bar{display:flex;flex-wrap:wrap;gap:.4em 1.2em;align-items:center;margin:.3em 0}
.adv-view .adv-group{display:inline-flex;gap:0;align-items:center}
.adv-view button{font:inherit;font-size:14px;padding:.25em .7em;border:1px solid #888;
  background:#f6f6f6;color:#222;cursor:pointer;margin:0}
.adv-view .adv-group button+button{border-left:none}
.adv-view .adv-group button:first-child{border-radius:4px 0 0 4px}
.adv-view .adv-group button:last-child{border-radius:0 4px 4px 0}
.adv-view button[aria-pressed="true"]{background:#0072B2;color:#fff;border-color:#0072B2}
.adv-view button.adv-next{background:#0072B2;color:#fff;border-color:#0072B2}
.adv-view button:disabled{opacity:.45;cursor:default}
.adv-view select,.adv-view input{font:inherit;font-size:14px}
.adv-view .adv-input{width:6em}
.adv-view .adv-title{font-weight:bold;font-size:16px;margin:.5em 0 .3em}
.adv-view .adv-viewport{max-width:100%;overflow:auto;max-height:75vh;border:1px solid #ddd;
  border-radius:4px;background:#fff;cursor:grab;touch-action:none}
.adv-view .adv-viewport.adv-drag{cursor:grabbing;user-select:none}
.adv-view .adv-viewport svg{display:block}
.adv-view .adv-text{white-space:pre-wrap;font-size:15px;min-height:2.8em;margin:.4em 0}
.adv-view .adv-slider{flex:1;min-width:10em}
.adv-view .adv-counter{font-variant-numeric:tabular-nums;min-width:4.5em}
.adv-view .adv-message{color:#b00020;margin:.3em 0}
.adv-view .adv-message:empty{display:none}
.adv-view .adv-legend{list-style:none;padding:0;margin:.4em 0;display:flex;flex-wrap:wrap;
  gap:.3em 1.4em;font-size:13px;color:#444}
.adv-view .adv-legend li{display:inline-flex;align-items:center;gap:.4em}
.adv-view .adv-legend svg{width:34px;height:18px}
.adv-view g.node rect,.adv-view g.edge path,.adv-view g.edge polygon,.adv-view text{
  transition:fill .2s,stroke .2s,stroke-width .2s}
.adv-view svg text{font-family:Helvetica,Arial,"Liberation Sans",sans-serif;
  dominant-baseline:central;text-anchor:middle;fill:#111}
.adv-view g.edge path{fill:none}
`;

// --- the view --------------------------------------------------------------------------------

class View {
  constructor(el, model, options) {
    this.el = el;
    this.model = model;
    this.options = options;
    this.kernel = false;
    this.timer = null;
    this.zoom = 1;
    this.root = h("div", { class: "adv-view", tabindex: "0" });
    el.replaceChildren(this.root);
    this.root.__advView = {
      show: (k) => this.show(k), count: () => this.count(), step: () => this.step,
      layoutKey: () => this.svgLabels,
    };
    this.listeners = [];
    this.on("change:data", () => this.setData());
    this.on("change:step", () => this.show(this.model.get("step"), false));
    for (const t of ["mode", "wrt", "labels"]) this.on(`change:${t}`, () => this.refresh());
    this.on("change:message", () => this.say(this.model.get("message") || ""));
    this.on("msg:custom", (msg) => this.received(msg));
    this.setData();
    if (!options.static) {
      this.model.send({ kind: "hello" });
      this.helloTimer = setTimeout(() => { this.helloTimer = null; }, 1500);
    }
  }

  on(event, fn) {
    this.model.on(event, fn);
    this.listeners.push([event, fn]);
  }

  destroy() {
    this.stop();
    for (const [event, fn] of this.listeners) this.model.off(event, fn);
  }

  received(msg) {
    if (!msg || typeof msg !== "object") return;
    if (msg.kind === "hello") this.kernel = true;
    if (msg.kind === "inputs" && msg.values) {
      for (const box of this.inputs || []) {
        const v = msg.values[box.dataset.name];
        if (v !== undefined) box.value = v;
      }
    }
  }

  // --- data and state -----------------------------------------------------------------------
  setData() {
    this.data = this.model.get("data") || {};
    const d = this.data;
    this.strings = d.strings || [];
    this.tables = new Map();
    this.layouts = new Map();
    this.svgLabels = null;
    this.step = this.model.get("step") || 0;
    this.offsets = d.offsets || this.computeOffsets();
    this.buildChrome();
    this.refresh();
  }

  computeOffsets() {
    const out = [];
    let k = 0;
    for (const c of this.data.lines || []) { out.push(k); k += c + 1; }
    out.push(k);
    return out;
  }

  get mode() { return this.model.get("mode") || this.data.initial?.mode || "reverse"; }
  get wrt() { return this.model.get("wrt") ?? this.data.initial?.wrt ?? ""; }
  get labels() { return this.model.get("labels") || this.data.initial?.labels || "numeric"; }

  key(mode = this.mode, wrt = this.wrt, labels = this.labels) {
    return `${mode}|${mode === "reverse" ? "" : wrt || ""}|${labels}`;
  }

  count() { return this.view ? this.view.n : 0; }

  table(key) {
    let t = this.tables.get(key);
    if (!t) {
      const v = this.data.views[key];
      const n = v.start.length;
      const cells = new Int32Array(v.n * n);
      cells.set(v.start, 0);
      for (let k = 1; k < v.n; k++) {
        cells.copyWithin(k * n, (k - 1) * n, k * n);
        const change = v.diff[k - 1];
        for (let j = 0; j < change.length; j += 2) cells[k * n + change[j]] = change[j + 1];
      }
      t = { cells, width: n };
      this.tables.set(key, t);
    }
    return t;
  }

  // --- choosing what to show ------------------------------------------------------------------
  choose(changes) {
    this.stop();
    for (const [k, v] of Object.entries(changes)) this.model.set(k, v);
    if ("mode" in changes || "wrt" in changes) this.model.set("step", 0);
    this.model.save_changes();
    this.refresh();
  }

  async refresh() {
    this.syncChrome();
    const key = this.key();
    const view = this.data.views?.[key];
    if (!view) {
      const why = this.data.missing?.[key] || "this view is not available";
      const ask = this.options.static || !this.kernel
        ? " (it needs a running Python kernel; this is a static copy)"
        : " Asking the kernel…";
      this.say(`⚠ ${why}.${ask}`);
      return;
    }
    this.say(this.model.get("message") || "");
    this.view = view;
    this.viewKey = key;
    const token = (this.token = {});
    if (this.svgLabels !== view.labels) {
      try {
        await this.build(view.labels);
      } catch (err) {
        this.say(`⚠ Cannot lay out the graph: ${err.message || err}`);
        return;
      }
      if (token !== this.token) return;
    }
    this.slider.max = String(view.n - 1);
    this.show(this.model.get("step") || 0, false);
    this.legendFor(view);
  }

  // --- the SVG --------------------------------------------------------------------------------
  async layoutOf(labels) {
    const d = this.data;
    if (d.layouts?.[labels]) return d.layouts[labels];
    if (this.layouts.has(labels)) return this.layouts.get(labels);
    if (!d.dot?.[labels]) throw new Error(`no layout for ${labels} labels`);
    this.say("Laying out the graph in the browser (WASM Graphviz)…");
    const gv = await graphvizLoader(this.options.graphvizSource || (async () => null));
    const lay = parseJson0(await gv.layout(d.dot[labels]));
    this.layouts.set(labels, lay);
    this.say(this.model.get("message") || "");
    return lay;
  }

  async build(labels) {
    const lay = await this.layoutOf(labels);
    const d = this.data;
    const [, , W, H] = num(lay.bb);
    const flip = (y) => H - y;
    const svg = s("svg", { viewBox: `-4 -4 ${W + 8} ${H + 8}`, role: "img",
      "aria-label": d.title || "computational graph" });
    this.box = [W + 8, H + 8];
    this.cellEls = [];
    this.baseClass = [];
    const edgesLayer = s("g", { class: "edges" });
    const nodesLayer = s("g", { class: "nodes" });
    svg.append(edgesLayer, nodesLayer);
    d.nodes.forEach(([kind, output, name], i) => {
      const [pos, wIn, hIn] = lay.nodes[i];
      const [cx, y] = num(pos);
      const cy = flip(y);
      const w = +wIn * PT_PER_IN, hh = +hIn * PT_PER_IN;
      const base = `node ${kind}${output ? " output" : ""}`;
      const g = s("g", { class: base, "data-node": name });
      const rx = kind === "input" ? 0 : kind === "const" ? 2 : 7;
      g.append(s("rect", { x: cx - w / 2, y: cy - hh / 2, width: w, height: hh, rx }));
      if (output) {
        g.append(s("rect", { class: "inner", x: cx - w / 2 + 4, y: cy - hh / 2 + 4,
          width: w - 8, height: hh - 8, rx: Math.max(rx - 3, 0) }));
      }
      const lines = d.lines[i];
      const pt = kind === "const" ? SMALL_PT : NODE_PT;
      const top = cy - (lines * pt * LINE) / 2;
      for (let j = 0; j < lines; j++) {
        const t = s("text", { x: cx, y: top + (j + 0.5) * pt * LINE, "font-size": pt });
        t.__fit = w - 2 * MARGIN_PT + 4;
        g.append(t);
        this.cellEls.push(t);
        this.baseClass.push(null);
      }
      this.cellEls.push(g);
      this.baseClass.push(base);
      nodesLayer.append(g);
    });
    d.edges.forEach((_, e) => {
      const [pos, lp] = lay.edges[e];
      const g = s("g", { class: "edge", "data-edge": String(e) });
      const { d: path, arrow } = edgePath(pos, flip);
      g.append(s("path", { d: path }));
      if (arrow) g.append(s("polygon", { points: arrow }));
      const [lx, ly] = lp ? num(lp) : [0, 0];
      const t = s("text", { x: lx, y: flip(ly), "font-size": SMALL_PT });
      t.__fit = Infinity;
      g.append(t);
      this.cellEls.push(t, g);
      this.baseClass.push(null, "edge");
      edgesLayer.append(g);
    });
    this.shown = new Int32Array(this.cellEls.length).fill(-1);
    this.svg = svg;
    this.svgLabels = labels;
    this.viewport.replaceChildren(svg);
    this.applyZoom();
  }

  applyZoom() {
    if (!this.svg) return;
    const scale = ((this.data.font || 14) / NODE_PT) * this.zoom;
    this.svg.style.width = `${this.box[0] * scale}px`;
    this.svg.style.height = `${this.box[1] * scale}px`;
  }

  fit() {
    const avail = this.viewport.clientWidth - 2;
    this.zoom = Math.max(0.1, avail / (this.box[0] * ((this.data.font || 14) / NODE_PT)));
    this.applyZoom();
  }

  /** Show step k: patch only the cells that differ from what is on show. */
  show(k, save = true) {
    if (!this.view || !this.svg || this.svgLabels !== this.view.labels) return;
    const n = this.view.n;
    k = Math.max(0, Math.min(n - 1, k | 0));
    const { cells, width } = this.table(this.viewKey);
    const at = k * width, shown = this.shown, strings = this.strings, fits = [];
    for (let c = 0; c < width; c++) {
      const v = cells[at + c];
      if (v === shown[c]) continue;
      shown[c] = v;
      const el = this.cellEls[c], base = this.baseClass[c];
      if (base === null) {
        el.textContent = strings[v].trim() ? strings[v] : "";
        if (el.__fit !== Infinity) fits.push(el);
      } else {
        el.setAttribute("class", `${base} ${strings[v]}`);
      }
    }
    for (const t of fits) t.removeAttribute("textLength");
    for (const t of fits) { // read after all writes: one layout, however many texts changed
      t.__width = t.textContent ? t.getComputedTextLength() : 0;
    }
    for (const t of fits) {
      if (t.__width > t.__fit) {
        t.setAttribute("textLength", t.__fit);
        t.setAttribute("lengthAdjust", "spacingAndGlyphs");
      }
    }
    this.step = k;
    this.title.textContent = strings[this.view.title[k]] || "";
    this.text.textContent = strings[this.view.text[k]] || "";
    this.counter.textContent = `${k + 1} / ${n}`;
    this.slider.value = String(k);
    this.prevBtn.disabled = this.resetBtn.disabled = k === 0;
    this.nextBtn.disabled = k === n - 1;
    if (save && this.model.get("step") !== k) {
      this.model.set("step", k);
      this.model.save_changes();
    }
    return k;
  }

  // --- controls -------------------------------------------------------------------------------
  buildChrome() {
    const d = this.data;
    const opts = d.options || { modes: ["reverse"], wrts: [], labels: ["numeric"] };
    const style = h("style", { text: CSS + styleSheet(d.styles) });
    const names = { reverse: "reverse mode", forward: "forward mode", paths: "paths" };
    this.modeBtns = opts.modes.map((m) => h("button", { type: "button", "data-mode": m,
      text: names[m] || m }));
    const modes = h("span", { class: "adv-group adv-mode", role: "group",
      "aria-label": "mode" }, this.modeBtns);
    this.wrtBox = h("select", { class: "adv-wrt", "aria-label": "with respect to" },
      opts.wrts.map((x) => h("option", { value: x, text: x })));
    const wrt = h("label", { class: "adv-wrt-label" }, ["w.r.t. ", this.wrtBox]);
    this.labelBtns = opts.labels.map((l) => h("button", { type: "button", "data-labels": l,
      text: l }));
    const labels = h("span", { class: "adv-group adv-labels", role: "group",
      "aria-label": "labels" }, this.labelBtns);
    this.inputs = (d.inputs || []).map(([name, v]) => h("input", {
      class: "adv-input", type: "number", step: "any", value: String(v), "data-name": name,
      "aria-label": name }));
    const inputs = h("span", { class: "adv-bar adv-inputs" }, this.inputs.flatMap((box) => [
      h("label", {}, [`${box.dataset.name} = `, box])]));
    const zoom = h("span", { class: "adv-group adv-zoom" }, [
      h("button", { type: "button", class: "adv-zoom-out", title: "zoom out", text: "−" }),
      h("button", { type: "button", class: "adv-zoom-in", title: "zoom in", text: "+" }),
      h("button", { type: "button", class: "adv-fit", title: "fit the width", text: "fit" }),
      h("button", { type: "button", class: "adv-actual", title: "actual size", text: "100 %" })]);
    this.message = h("div", { class: "adv-message", role: "status" });
    this.title = h("div", { class: "adv-title" });
    this.viewport = h("div", { class: "adv-viewport" });
    this.text = h("div", { class: "adv-text" });
    this.resetBtn = h("button", { type: "button", class: "adv-reset", title: "first step (Home)",
      text: "⟲ Reset" });
    this.prevBtn = h("button", { type: "button", class: "adv-prev", title: "previous step (←)",
      text: "◀ Prev" });
    this.playBtn = h("button", { type: "button", class: "adv-play", title: "play / pause (space)",
      text: "▶ Play" });
    this.nextBtn = h("button", { type: "button", class: "adv-next", title: "next step (→)",
      text: "Next ▶" });
    this.slider = h("input", { class: "adv-slider", type: "range", min: "0", max: "0",
      value: "0", "aria-label": "step" });
    this.counter = h("span", { class: "adv-counter" });
    this.legend = h("ul", { class: "adv-legend", "aria-label": "legend" });
    this.root.replaceChildren(style,
      h("div", { class: "adv-bar" }, [modes, wrt, labels, zoom]),
      inputs, this.message, this.title, this.viewport, this.text,
      h("div", { class: "adv-bar adv-controls" }, [h("span", { class: "adv-group" },
        [this.resetBtn, this.prevBtn, this.playBtn, this.nextBtn]), this.slider,
      this.counter]),
      this.legend);
    this.bindChrome(zoom);
    this.svg = null;
  }

  bindChrome(zoom) {
    this.modeBtns.forEach((b) => { b.onclick = () => this.choose({ mode: b.dataset.mode }); });
    this.labelBtns.forEach((b) => { b.onclick = () => this.choose({ labels: b.dataset.labels }); });
    this.wrtBox.onchange = () => this.choose({ wrt: this.wrtBox.value });
    this.resetBtn.onclick = () => { this.stop(); this.show(0); };
    this.prevBtn.onclick = () => { this.stop(); this.show(this.step - 1); };
    this.nextBtn.onclick = () => { this.stop(); this.show(this.step + 1); };
    this.playBtn.onclick = () => this.toggle();
    this.slider.oninput = () => { this.stop(); this.show(+this.slider.value); };
    const [out, inn, fit, actual] = zoom.children;
    out.onclick = () => { this.zoom /= 1.25; this.applyZoom(); };
    inn.onclick = () => { this.zoom *= 1.25; this.applyZoom(); };
    fit.onclick = () => this.fit();
    actual.onclick = () => { this.zoom = 1; this.applyZoom(); };
    for (const box of this.inputs) box.onchange = () => this.inputChanged(box);
    this.root.onkeydown = (ev) => this.key_(ev);
    this.dragging(this.viewport);
  }

  key_(ev) {
    const tag = ev.target?.tagName;
    if (tag === "INPUT" && ev.target.type !== "range" || tag === "SELECT") return;
    const moves = { ArrowRight: () => this.step + 1, ArrowLeft: () => this.step - 1,
      Home: () => 0, End: () => this.count() - 1 };
    if (moves[ev.key]) {
      ev.preventDefault();
      this.stop();
      this.show(moves[ev.key]());
    } else if (ev.key === " " && tag !== "BUTTON") {
      ev.preventDefault();
      this.toggle();
    }
  }

  dragging(vp) {
    let start = null;
    vp.addEventListener("pointerdown", (ev) => {
      if (ev.button !== 0) return;
      start = [ev.clientX, ev.clientY, vp.scrollLeft, vp.scrollTop];
      vp.classList.add("adv-drag");
    });
    vp.addEventListener("pointermove", (ev) => {
      if (!start) return;
      vp.scrollLeft = start[2] - (ev.clientX - start[0]);
      vp.scrollTop = start[3] - (ev.clientY - start[1]);
    });
    const end = () => { start = null; vp.classList.remove("adv-drag"); };
    vp.addEventListener("pointerup", end);
    vp.addEventListener("pointerleave", end);
  }

  syncChrome() {
    for (const b of this.modeBtns) b.setAttribute("aria-pressed", String(b.dataset.mode === this.mode));
    for (const b of this.labelBtns) {
      b.setAttribute("aria-pressed", String(b.dataset.labels === this.labels));
    }
    this.wrtBox.value = this.wrt || "";
    this.wrtBox.parentElement.style.display = this.mode === "reverse" ? "none" : "";
  }

  legendFor(view) {
    const words = this.data.legend || {};
    this.legend.replaceChildren(...(view.legend || []).map((state) => {
      const sw = s("svg", { viewBox: "0 0 34 18" });
      if (state === "read") {
        const g = s("g", { class: "edge read" });
        g.append(s("path", { d: "M2,9 H32" }));
        sw.append(g);
      } else {
        const cls = state === "current" ? "node op value current" : `node op ${state}`;
        const g = s("g", { class: cls });
        g.append(s("rect", { x: 3, y: 3, width: 28, height: 12, rx: 3 }));
        sw.append(g);
      }
      return h("li", { "data-state": state }, [sw, words[state] || state]);
    }));
  }

  inputChanged(box) {
    const name = box.dataset.name, value = Number(box.value);
    if (this.options.static || (!this.kernel && this.helloTimer === null)) {
      const was = (this.data.inputs || []).find(([n]) => n === name);
      if (was) box.value = String(was[1]);
      this.say(`⚠ Changing ${name} needs a running Python kernel; this is a static copy.`);
      return;
    }
    if (!Number.isFinite(value)) {
      this.say(`⚠ ${box.value} is not a number for ${name}.`);
      return;
    }
    this.say(`computing ${name} = ${value}…`);
    this.model.send({ kind: "inputs", values: { [name]: value } });
  }

  toggle() {
    if (this.timer !== null) { this.stop(); return; }
    if (this.step >= this.count() - 1) this.show(0);
    this.playBtn.textContent = "❚❚ Pause";
    const ms = this.model.get("interval") || this.data.interval || 1000;
    this.timer = setInterval(() => {
      if (this.step >= this.count() - 1) this.stop();
      else this.show(this.step + 1);
    }, ms);
  }

  stop() {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    if (this.playBtn) this.playBtn.textContent = "▶ Play";
  }

  say(text) { this.message.textContent = text; }
}

// --- entry points ----------------------------------------------------------------------------

/** Mount the view of a model (anywidget's, or a localModel) into el; returns a cleanup. */
export function mount(el, model, options = {}) {
  const view = new View(el, model, options);
  return () => view.destroy();
}

/** An in-memory model with the anywidget interface and no kernel. */
export function localModel(state) {
  const values = { ...state }, handlers = new Map();
  const fire = (event, ...args) => (handlers.get(event) || []).slice().forEach((f) => f(...args));
  return {
    get: (k) => values[k],
    set: (k, v) => { if (values[k] !== v) { values[k] = v; fire(`change:${k}`); } },
    save_changes: () => {},
    send: () => {},
    on: (event, f) => { handlers.set(event, [...(handlers.get(event) || []), f]); },
    off: (event, f) => {
      handlers.set(event, (handlers.get(event) || []).filter((g) => g !== f));
    },
  };
}

/** Mount an exported page's view: data in <script id="ROOT-data">, WASM in #adv-graphviz-source. */
export function mountPage(rootId) {
  const el = document.getElementById(rootId);
  const data = JSON.parse(document.getElementById(`${rootId}-data`).textContent);
  const init = data.initial || {};
  const model = localModel({ data, step: 0, mode: init.mode, wrt: init.wrt,
    labels: init.labels, message: "", interval: data.interval || 1000 });
  const graphvizSource = async () => {
    const src = document.getElementById("adv-graphviz-source");
    return src ? JSON.parse(src.textContent) : null;
  };
  return mount(el, model, { static: true, graphvizSource });
}
