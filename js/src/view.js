// The interactive view: controls, graph viewport, explanation and legend, kept in sync with
// a model (an anywidget model, or localModel() on a page with no kernel).

import { BASE_CSS, paletteCss } from "./css.js";
import { cellLayout, expandView, findView, ints, MODE_WORDS, resolveChoice } from "./data.js";
import { h, s as svgEl } from "./dom.js";
import { wasmLayout } from "./loader.js";
import { fromLayout } from "./layout.js";
import { setBarred } from "./bars.js";
import { legend } from "./legend.js";
import { Scene } from "./scene.js";

const PLAY_MS = 1000; // default; the widget's `interval` trait or data.interval win
const HELLO_MS = 1500;
const ZOOM_STEP = 1.25;
const ZOOM_MIN = 0.02;
const ZOOM_MAX = 6;
const LABEL_WORDS = { numeric: "numeric", symbolic: "symbolic", both: "both" };
const STATIC = "needs a running Python kernel; this is a static copy.";
const COMPUTING = "computing…";

/** Mounts a view of `model` into `el`; returns {destroy()}. */
export function mount(el, model, options = {}) {
  return new View(el, model, options);
}

function uniqueScope() {
  globalThis.__autodiffVizViews = (globalThis.__autodiffVizViews || 0) + 1;
  return `adv-u${globalThis.__autodiffVizViews}-${Math.random().toString(36).slice(2, 7)}`;
}

/** The scroll offset that brings [a, b] into a window of `size` at `at`, moving as little
 *  as possible but keeping some context around it (centred when it does not fit). */
function scrollFor(a, b, at, size) {
  const m = Math.min(96, size * 0.15);
  if (b - a > size - 2 * m) return (a + b) / 2 - size / 2;
  if (a < at + m) return a - m;
  if (b > at + size - m) return b - size + m;
  return at;
}

function clamp(k, lo, hi) {
  return Math.max(lo, Math.min(hi, k));
}

function button(text, title, onclick, cls) {
  return h("button", { type: "button", class: cls, title, onclick }, text);
}

/** Same steps (mode and w.r.t.): a label style change keeps the step. */
function sameWalk(a, b) {
  return a.mode === b.mode && (a.mode === "reverse" || a.wrt === b.wrt);
}

function sameChoice(a, b) {
  return !!a && !!b && a.mode === b.mode && a.labels === b.labels &&
    (a.mode === "reverse" || a.wrt === b.wrt);
}

class View {
  constructor(el, model, options) {
    this.el = el;
    this.model = model;
    this.options = options;
    this.scope = uniqueScope();
    this.data = null;
    this.choice = null; // {mode, wrt, labels} shown
    this.k = 0;
    this.zoom = 1;
    this.timer = null;
    this.pending = null; // a view asked from the kernel: {key, choice}
    this.notice = "";
    this.ui = {}; // the controls' words (data.ui)
    this.times = [];
    this.handlers = [];
    this.telling = false; // set while we write our own choice to the model
    this.build();
    this.listen();
    this.greet();
    this.setData(model.get("data"));
    this.showMessage();
    // For tests and benchmarks (docs/view-data.md).
    this.api = {
      show: (k) => this.show(k, true),
      count: () => (this.frames ? this.frames.n : 0),
      step: () => this.k,
      layoutKey: () => (this.scene ? this.scene.labels : null),
      timings: () => this.times.slice(),
      state: () => ({ step: this.k, n: this.frames ? this.frames.n : 0, ...this.choice,
                      zoom: this.zoom, kernel: this.kernel }),
      ready: () => this.ready,
    };
    this.root.__advView = this.api;
    el.__advView = this.api;
  }

  // --- the skeleton ------------------------------------------------------------------

  build() {
    this.style = h("style");
    this.gtitle = h("div", { class: "adv-gtitle" });
    this.resetBtn = button("Reset", "first step (Home)", () => this.user(0), "adv-reset");
    this.prevBtn = button("◀ Prev", "previous step (←)", () => this.user(this.k - 1), "adv-prev");
    this.nextBtn = button("Next ▶", "next step (→)", () => this.user(this.k + 1), "adv-next");
    this.playBtn = button("▶ Play", "play / pause (space)", () => this.togglePlay(), "adv-play");
    this.slider = h("input", { type: "range", class: "adv-slider", min: 0, max: 0, value: 0,
                               "aria-label": "step", oninput: () => this.user(+this.slider.value) });
    this.counter = h("span", { class: "adv-counter", "aria-live": "polite" });
    const steps = h("div", { class: "adv-bar adv-steps" },
      h("span", { class: "adv-group" }, this.resetBtn, this.prevBtn, this.playBtn, this.nextBtn),
      this.slider, this.counter);
    this.stepsBar = steps;
    this.modes = h("span", { class: "adv-group adv-mode", role: "group", "aria-label": "mode" });
    this.wrtSel = h("select", { class: "adv-wrt", "aria-label": "derivative with respect to",
                                onchange: () => this.choose({ wrt: this.wrtSel.value }) });
    this.wrtBox = h("label", { class: "adv-caption adv-wrtbox" }, "w.r.t. ", this.wrtSel);
    this.labelsGroup = h("span", { class: "adv-group adv-labels", role: "group",
                                   "aria-label": "label style" });
    this.inputs = h("span", { class: "adv-inputs" });
    this.zoomText = h("span", { class: "adv-caption adv-zoomtext" });
    const zoom = h("span", { class: "adv-group adv-zoom", role: "group", "aria-label": "zoom" },
      button("−", "zoom out", () => this.setZoom(this.zoom / ZOOM_STEP), "adv-zoom-out"),
      button("+", "zoom in", () => this.setZoom(this.zoom * ZOOM_STEP), "adv-zoom-in"),
      this.fitBtn = button("fit width", "fit the graph to the width", () => this.fitWidth(),
                           "adv-fit"),
      button("100 %", "actual size (text at its normal size)", () => this.setZoom(1),
             "adv-actual"));
    this.labelsCaption = h("span", { class: "adv-caption" }, "labels:");
    const opts = h("div", { class: "adv-bar adv-options" }, this.modes, this.wrtBox,
      this.labelsCaption, this.labelsGroup, this.inputs,
      h("span", { class: "adv-spacer" }), this.zoomText, zoom);
    this.msg = h("div", { class: "adv-message", role: "status", hidden: true });
    this.title = h("div", { class: "adv-title" });
    this.viewport = h("div", { class: "adv-viewport" });
    this.text = h("div", { class: "adv-text" });
    this.legendBox = h("div", { class: "adv-legendbox" });
    this.root = h("div", {
      class: `adv-view ${this.scope}`, tabindex: 0,
      "data-lm-suppress-shortcuts": "true", "data-p-suppress-shortcuts": "true",
      onkeydown: (ev) => this.onKey(ev),
    }, this.style, this.gtitle, steps, opts, this.msg, this.title, this.viewport, this.text,
    this.legendBox);
    this.style.textContent = BASE_CSS;
    this.pan();
    this.el.append(this.root);
  }

  on(event, cb) {
    this.model.on(event, cb);
    this.handlers.push([event, cb]);
  }

  listen() {
    this.on("change:data", () => this.setData(this.model.get("data")));
    this.on("change:step", () => {
      const k = this.model.get("step");
      if (!this.telling && Number.isInteger(k) && k !== this.k) this.show(k, false);
    });
    for (const name of ["mode", "wrt", "labels"]) {
      this.on(`change:${name}`, () => { if (!this.telling) this.fromModelChoice(); });
    }
    this.on("change:message", () => {
      if (this.model.get("message") && this.pending) this.settle();
      this.showMessage();
    });
    this.on("change:graphviz", () => {
      if (this.data && this.choice && !this.scene) this.selectChoice(this.choice);
    });
    this.on("msg:custom", (msg) => this.receive(msg));
  }

  destroy() {
    this.stop();
    clearTimeout(this.helloTimer);
    for (const [event, cb] of this.handlers) this.model.off(event, cb);
    this.handlers = [];
    this.root.remove();
    if (this.el.__advView === this.api) delete this.el.__advView;
  }

  // --- kernel ------------------------------------------------------------------------

  /** Says hello; the kernel answers within HELLO_MS, or this is a static copy. */
  greet() {
    this.kernel = this.model.isLocal ? false : null;
    if (this.kernel === false) {
      this.alive = Promise.resolve(false);
      return;
    }
    this.alive = new Promise((resolve) => {
      this.hello = resolve;
      this.helloTimer = setTimeout(() => {
        if (this.kernel === null) this.kernel = false;
        resolve(this.kernel);
      }, HELLO_MS);
    });
    try {
      this.model.send({ kind: "hello" });
    } catch (_) {
      this.kernel = false;
      this.hello(false);
    }
  }

  /** Whether a kernel answers (waits for the hello answer the first time). */
  async hasKernel() {
    return this.kernel === null ? this.alive : this.kernel;
  }

  receive(msg) {
    if (!msg || typeof msg !== "object") return;
    if (msg.kind === "hello") {
      this.kernel = true;
      this.alive = Promise.resolve(true);
      if (this.hello) this.hello(true);
    } else if (msg.kind === "inputs" && msg.values) {
      // the kernel refused new inputs: the boxes go back to the values shown
      for (const box of this.inputs.querySelectorAll("input")) {
        const v = msg.values[box.dataset.name];
        if (v !== undefined) box.value = String(v);
      }
      if (this.notice === COMPUTING) this.say("");
    }
  }

  // --- data ---------------------------------------------------------------------------

  setData(data) {
    this.stop();
    this.data = data && typeof data === "object" && data.views ? data : null;
    this.scenes = new Map();
    this.tables = new Map();
    this.scene = null;
    if (!this.data) {
      this.viewport.replaceChildren(h("div", { class: "adv-wait", text: "Waiting for data…" }));
      return;
    }
    if (data.v !== 1) this.say(`This view reads data format 1; the data is format ${data.v}.`);
    else if (this.notice === COMPUTING) this.say("");
    this.pending = null;
    this.cells = cellLayout(data);
    this.scale = (data.font || 14) / 12;
    this.style.textContent = BASE_CSS + paletteCss(data.styles || {}, this.scope);
    this.gtitle.textContent = data.title || "";
    this.gtitle.hidden = !data.title;
    this.translate(data.ui || {});
    this.buildOptions();
    this.stepsBar.style.display = data.controls === false ? "none" : ""; // the fill-in
    const choice = this.firstChoice(data);
    if (!choice) {
      this.say("There is nothing to show: the data has no views.");
      return;
    }
    const walk = this.choice && sameWalk(choice, this.choice);
    const step = walk ? this.k : this.model.get("step") || 0;
    this.selectChoice(choice, step);
  }

  /** What to show of new data: the model's choice, else what was shown, else the data's
   *  initial choice, else its first view. */
  firstChoice(data) {
    for (const wanted of [this.modelChoice(), this.choice, data.initial]) {
      if (!wanted) continue;
      const choice = resolveChoice(data, wanted);
      if (findView(data, choice).view) return choice;
    }
    const first = Object.values(data.views)[0];
    return first ? { mode: first.mode, wrt: first.wrt, labels: first.labels } : null;
  }

  modelChoice() {
    const init = (this.data && this.data.initial) || {};
    const m = this.model;
    return { mode: m.get("mode") || init.mode, wrt: m.get("wrt") || init.wrt,
             labels: m.get("labels") || init.labels };
  }

  table(key, view) {
    if (!this.tables.has(key)) {
      this.tables.set(key, expandView(view, this.cells.count, this.data.strings.length));
    }
    return this.tables.get(key);
  }

  /** The scene of a label style: built once from its layout (WASM when it is null). */
  sceneFor(labels) {
    if (!this.scenes.has(labels)) {
      const data = this.data;
      const given = (data.layouts || {})[labels];
      const dot = (data.dot || {})[labels];
      let layout;
      if (given) layout = Promise.resolve(given);
      else if (dot) layout = wasmLayout(dot, data.nodes.length, data.edges.length,
                                        this.options.graphvizSource);
      else layout = Promise.reject(new Error(`the data has no layout for ${labels} labels`));
      const p = layout.then((lay) => new Scene(data, fromLayout(lay), this.cells));
      p.catch(() => this.scenes.delete(labels));
      this.scenes.set(labels, p);
    }
    return this.scenes.get(labels);
  }

  /** Shows the view of `choice` (which must exist) at `step`. */
  selectChoice(choice, step = this.k) {
    const found = findView(this.data, choice);
    if (!found.view) return;
    const data = this.data;
    this.choice = { ...choice };
    this.key = found.key;
    this.view = found.view;
    this.frames = this.table(found.key, found.view);
    this.k = clamp(step | 0, 0, this.frames.n - 1);
    this.slider.max = String(this.frames.n - 1);
    this.syncOptions();
    this.legendBox.replaceChildren(legend(found.view.legend, data.legend || {},
                                          data.styles || {}, this.scale));
    const labels = choice.labels;
    if (!this.scene || this.scene.labels !== labels) {
      this.scene = null;
      this.wait("Laying out the graph…");
    }
    this.ready = this.sceneFor(labels).then((scene) => {
      if (this.data !== data || this.choice.labels !== labels) return;
      scene.labels = labels;
      this.scene = scene;
      if (this.viewport.firstChild !== scene.svg) this.viewport.replaceChildren(scene.svg);
      this.applyZoom();
      this.show(this.k, false);
      this.placeBlanks(scene);
    }, (err) => {
      if (this.data !== data || this.choice.labels !== labels) return;
      this.wait("The graph could not be laid out.");
      this.say(`Could not lay out the graph in the browser: ${err.message || err}`);
    });
    this.show(this.k, false);
  }

  /** Answer boxes over the text lines listed in data.blanks (the fill-in exercise): Enter
   *  sends {"kind": "answer", id, text}; checking needs the kernel (sympy). */
  placeBlanks(scene) {
    for (const old of scene.svg.querySelectorAll("foreignObject.adv-blank")) old.remove();
    for (const b of this.data.blanks || []) {
      const text = scene.el[b.cell];
      if (!text || !text.getBBox) continue;
      const box = text.getBBox();
      const w = Math.max(box.width + 8, 80), ht = box.height + 2;
      const fo = svgEl("foreignObject", { class: `adv-blank ${b.status}`, width: w, height: ht,
        x: box.x + box.width / 2 - w / 2, y: box.y + box.height / 2 - ht / 2 });
      const input = h("input", { type: "text", class: "adv-answer", "data-blank": b.id,
        placeholder: text.textContent, title: b.label, "aria-label": b.label,
        value: b.answer || "" });
      input.addEventListener("keydown", (ev) => {
        ev.stopPropagation(); // arrows and space edit the answer, they do not step
        if (ev.key === "Enter") this.answer(b, input);
      });
      input.addEventListener("change", () => this.answer(b, input));
      fo.append(input);
      text.style.visibility = "hidden"; // the box shows the same words as its placeholder
      scene.svg.append(fo);
    }
  }

  async answer(b, input) {
    if (input.value === (b.answer || "")) return;
    if (!(await this.hasKernel())) {
      this.say(`Checking answer [${b.id}] ${STATIC}`);
      return;
    }
    b.answer = input.value;
    this.model.send({ kind: "answer", id: b.id, text: input.value });
  }

  /** A placeholder in the viewport until the SVG of the chosen label style is ready. */
  wait(text) {
    const shown = this.viewport.firstChild;
    if (shown && shown.classList && shown.classList.contains("adv-wait")) {
      shown.textContent = text;
    } else {
      this.viewport.replaceChildren(h("div", { class: "adv-wait", text }));
    }
  }

  // --- stepping -----------------------------------------------------------------------

  /** Shows step k (clamped); `user`: the change came from here, so tell the model.
   *  Returns the milliseconds the update took. */
  show(k, user) {
    if (!this.frames) return 0;
    k = clamp(k | 0, 0, this.frames.n - 1);
    const t0 = performance.now();
    this.k = k;
    if (this.scene) this.scene.show(this.frames.row(k));
    this.showText();
    const ms = performance.now() - t0;
    if (this.scene) {
      this.times.push(ms);
      if (this.times.length > 500) this.times.shift();
      this.revealSoon(this.scene.current);
    }
    if (user && this.model.get("step") !== k) this.tell({ step: k });
    return ms;
  }

  showText() {
    const { view, k, data } = this;
    const n = this.frames.n;
    view.__title = view.__title || ints(view.title);
    view.__text = view.__text || ints(view.text);
    setBarred(this.title, data.strings[view.__title[k]] ?? "");
    setBarred(this.text, data.strings[view.__text[k]] ?? "");
    this.counter.textContent = `${k + 1} / ${n}`;
    this.slider.value = String(k);
    this.resetBtn.disabled = this.prevBtn.disabled = k <= 0;
    this.nextBtn.disabled = k >= n - 1;
  }

  user(k) {
    this.stop();
    this.show(k, true);
  }

  interval() {
    const ms = Number(this.model.get("interval") || (this.data && this.data.interval));
    return ms > 0 ? ms : PLAY_MS;
  }

  /** The controls' words in the data's language (data.ui; English when absent). */
  translate(ui) {
    this.ui = ui;
    const set = (el, key) => { if (ui[key]) el.textContent = ui[key]; };
    set(this.resetBtn, "reset");
    set(this.prevBtn, "prev");
    set(this.nextBtn, "next");
    if (this.timer === null) set(this.playBtn, "play");
    if (ui.wrt) this.wrtBox.firstChild.textContent = ui.wrt;
    if (ui.labels) this.labelsCaption.textContent = ui.labels;
    if (ui.fit) this.fitBtn.textContent = ui.fit;
  }

  togglePlay() {
    if (this.timer !== null) {
      this.stop();
      return;
    }
    if (!this.frames) return;
    if (this.k >= this.frames.n - 1) this.show(0, true);
    this.playBtn.textContent = this.ui.pause || "‖ Pause";
    this.playBtn.setAttribute("aria-pressed", "true");
    this.timer = setInterval(() => {
      if (this.k >= this.frames.n - 1) this.stop();
      else this.show(this.k + 1, true);
    }, this.interval());
  }

  stop() {
    if (this.timer === null) return;
    clearInterval(this.timer);
    this.timer = null;
    this.playBtn.textContent = this.ui.play || "▶ Play";
    this.playBtn.setAttribute("aria-pressed", "false");
  }

  onKey(ev) {
    const t = ev.target;
    const tag = t && t.tagName;
    if (tag === "SELECT" || tag === "TEXTAREA" || (t && t.isContentEditable)) return;
    if (tag === "INPUT" && t.type !== "range") return;
    if (ev.altKey || ev.ctrlKey || ev.metaKey) return;
    const actions = {
      ArrowLeft: () => this.user(this.k - 1),
      ArrowRight: () => this.user(this.k + 1),
      Home: () => this.user(0),
      End: () => this.user(this.frames ? this.frames.n - 1 : 0),
      " ": () => this.togglePlay(),
    };
    if (ev.key === " " && tag === "BUTTON") return; // the button's own click
    const act = actions[ev.key];
    if (!act) return;
    ev.preventDefault();
    ev.stopPropagation();
    act();
  }

  // --- mode, w.r.t., labels, inputs ---------------------------------------------------

  buildOptions() {
    const opts = this.data.options || {};
    const modes = (opts.modes || []).filter((m) => m in MODE_WORDS);
    const signature = JSON.stringify([modes, opts.wrts, opts.labels,
                                      (this.data.inputs || []).map(([n]) => n)]);
    if (signature === this.signature) {
      this.fillInputs();
      return;
    }
    this.signature = signature;
    this.modes.replaceChildren(...modes.map((m) => {
      const word = this.ui[m] || MODE_WORDS[m];
      const b = button(word, `show ${MODE_WORDS[m]}`, () => this.choose({ mode: m }));
      b.dataset.mode = m;
      return b;
    }));
    this.modes.hidden = modes.length < 2;
    this.wrtSel.replaceChildren(...(opts.wrts || []).map((w) => h("option", { value: w }, w)));
    const labels = opts.labels || [];
    this.labelsGroup.replaceChildren(...labels.map((l) => {
      const b = button(this.ui[l] || LABEL_WORDS[l] || l, `${l} labels`,
                       () => this.choose({ labels: l }));
      b.dataset.labels = l;
      return b;
    }));
    this.labelsGroup.hidden = labels.length < 2;
    this.labelsGroup.previousElementSibling.hidden = labels.length < 2;
    this.inputs.replaceChildren(...(this.data.inputs || []).map(([name]) => {
      const input = h("input", { type: "text", class: "adv-input", inputmode: "decimal",
                                 "aria-label": `input ${name}`, "data-name": name });
      input.addEventListener("change", () => this.editInput(name, input));
      input.addEventListener("keydown", (ev) => { if (ev.key === "Enter") input.blur(); });
      return h("label", {}, `${name} =`, input);
    }));
    this.inputs.hidden = !(this.data.inputs || []).length;
    this.fillInputs();
  }

  fillInputs() {
    const values = new Map(this.data.inputs || []);
    for (const box of this.inputs.querySelectorAll("input")) {
      if (values.has(box.dataset.name)) box.value = String(values.get(box.dataset.name));
    }
  }

  syncOptions() {
    const c = this.choice;
    for (const b of this.modes.children) {
      b.setAttribute("aria-pressed", String(b.dataset.mode === c.mode));
    }
    for (const b of this.labelsGroup.children) {
      b.setAttribute("aria-pressed", String(b.dataset.labels === c.labels));
    }
    this.wrtBox.hidden = c.mode === "reverse" || !this.wrtSel.options.length;
    if (c.wrt) this.wrtSel.value = c.wrt;
  }

  /** The user picked a mode, w.r.t. or label style. */
  choose(change) {
    if (!this.data || !this.choice) return;
    this.stop();
    const next = resolveChoice(this.data, { ...this.choice, ...change });
    if (sameChoice(next, this.choice)) return;
    const found = findView(this.data, next);
    if (found.view) {
      if (this.notice && this.notice !== COMPUTING) this.say("");
      this.selectChoice(next, sameWalk(next, this.choice) ? this.k : 0);
      this.tell({ mode: next.mode, wrt: next.wrt, labels: next.labels, step: this.k });
      return;
    }
    this.syncOptions(); // the controls stay on what is shown until the view arrives
    this.askKernel(found.key, found.missing, next);
  }

  /** A view that is not in the data: the kernel makes it (the Stepper reacts to the traits;
   *  the "view" message names it), or, with no kernel, say why it is not here. */
  async askKernel(key, reason, choice) {
    if (!(await this.hasKernel())) {
      this.say(`${reason.replace(/\.$/, "")}.\nShowing this view ${STATIC}`);
      return;
    }
    this.pending = { key, choice };
    this.say(COMPUTING);
    this.model.send({ kind: "view", key });
    this.tell({ mode: choice.mode, wrt: choice.wrt, labels: choice.labels });
  }

  /** The model's mode, w.r.t. or labels changed (the kernel, or another view of it). */
  fromModelChoice() {
    if (!this.data || !this.choice) return;
    const wanted = resolveChoice(this.data, this.modelChoice());
    if (sameChoice(wanted, this.choice)) {
      if (this.pending) this.settle(); // the kernel went back to what is shown
      return;
    }
    const found = findView(this.data, wanted);
    if (found.view) this.selectChoice(wanted, sameWalk(wanted, this.choice) ? this.k : 0);
  }

  settle() {
    this.pending = null;
    if (this.notice === COMPUTING) this.say("");
  }

  /** Writes our own changes to the model, without reacting to their echo. */
  tell(values) {
    this.telling = true;
    try {
      for (const [k, v] of Object.entries(values)) this.model.set(k, v);
      this.model.save_changes();
    } finally {
      this.telling = false;
    }
  }

  async editInput(name, input) {
    const given = (this.data.inputs || []).find(([n]) => n === name);
    const revert = () => { input.value = given ? String(given[1]) : ""; };
    const text = input.value.trim().replace(/\u2212/g, "-");
    const value = Number(text);
    if (!text || !Number.isFinite(value)) {
      this.say(`${name} must be a number (got "${input.value}").`);
      revert();
      return;
    }
    if (!(await this.hasKernel())) {
      this.say(`Changing ${name} ${STATIC}`);
      revert();
      return;
    }
    const values = {};
    for (const box of this.inputs.querySelectorAll("input")) {
      values[box.dataset.name] = box === input ? value : Number(box.value);
    }
    this.say(COMPUTING);
    this.model.send({ kind: "inputs", values });
  }

  // --- messages -----------------------------------------------------------------------

  say(text) {
    this.notice = text;
    this.showMessage();
  }

  showMessage() {
    const parts = [this.model.get("message"), this.notice].filter(Boolean);
    this.msg.textContent = parts.join("\n");
    this.msg.hidden = !parts.length;
  }

  // --- zoom and pan -------------------------------------------------------------------

  naturalSize() {
    const d = this.scene.drawing;
    return [d.width * this.scale, d.height * this.scale];
  }

  applyZoom() {
    if (!this.scene) return;
    const [w, hgt] = this.naturalSize();
    const svg = this.scene.svg;
    svg.style.width = `${(w * this.zoom).toFixed(1)}px`;
    svg.style.height = `${(hgt * this.zoom).toFixed(1)}px`;
    this.zoomText.textContent = `${Math.round(this.zoom * 100)} %`;
  }

  setZoom(z) {
    const vp = this.viewport;
    const cx = (vp.scrollLeft + vp.clientWidth / 2) / Math.max(vp.scrollWidth, 1);
    const cy = (vp.scrollTop + vp.clientHeight / 2) / Math.max(vp.scrollHeight, 1);
    this.zoom = clamp(z, ZOOM_MIN, ZOOM_MAX);
    this.applyZoom();
    vp.scrollLeft = cx * vp.scrollWidth - vp.clientWidth / 2;
    vp.scrollTop = cy * vp.scrollHeight - vp.clientHeight / 2;
  }

  /** Scrolls the viewport (if needed) so that node i is in view. */
  /** Scrolls to node i on the next frame: reading the layout now would force the browser
   *  to lay out in the middle of the update (the switch itself costs ~0.3 ms). */
  revealSoon(i) {
    this.revealing = i;
    if (this.revealFrame) return;
    this.revealFrame = requestAnimationFrame(() => {
      this.revealFrame = 0;
      this.reveal(this.revealing);
    });
  }

  reveal(i) {
    if (i < 0 || !this.scene) return;
    const vp = this.viewport;
    if (vp.scrollWidth <= vp.clientWidth && vp.scrollHeight <= vp.clientHeight) return;
    const box = this.scene.drawing.nodes[i];
    const z = this.scale * this.zoom;
    // the SVG's corner in the viewport's scrolled content (an <svg> has no offsetLeft)
    const r = this.scene.svg.getBoundingClientRect();
    const v = vp.getBoundingClientRect();
    const ox = r.left - v.left - vp.clientLeft + vp.scrollLeft;
    const oy = r.top - v.top - vp.clientTop + vp.scrollTop;
    const x0 = ox + (box.x - box.w / 2) * z;
    const y0 = oy + (box.y - box.h / 2) * z;
    const x1 = x0 + box.w * z;
    const y1 = y0 + box.h * z;
    const left = scrollFor(x0, x1, vp.scrollLeft, vp.clientWidth);
    const top = scrollFor(y0, y1, vp.scrollTop, vp.clientHeight);
    if (left !== vp.scrollLeft || top !== vp.scrollTop) {
      vp.scrollTo({ left: Math.max(0, left), top: Math.max(0, top), behavior: "smooth" });
    }
  }

  fitWidth() {
    if (!this.scene) return;
    const room = this.viewport.clientWidth - 2;
    this.setZoom(room / this.naturalSize()[0]);
  }

  /** Drag to pan when the graph is larger than its viewport. */
  pan() {
    const vp = this.viewport;
    let start = null;
    vp.addEventListener("pointerdown", (ev) => {
      if (ev.button !== 0) return;
      if (vp.scrollWidth <= vp.clientWidth && vp.scrollHeight <= vp.clientHeight) return;
      start = { x: ev.clientX, y: ev.clientY, left: vp.scrollLeft, top: vp.scrollTop, id: ev.pointerId };
      vp.setPointerCapture(ev.pointerId);
      vp.classList.add("adv-dragging");
    });
    vp.addEventListener("pointermove", (ev) => {
      if (!start || ev.pointerId !== start.id) return;
      vp.scrollLeft = start.left - (ev.clientX - start.x);
      vp.scrollTop = start.top - (ev.clientY - start.y);
    });
    const end = (ev) => {
      if (!start || ev.pointerId !== start.id) return;
      start = null;
      vp.classList.remove("adv-dragging");
    };
    vp.addEventListener("pointerup", end);
    vp.addEventListener("pointercancel", end);
  }
}

